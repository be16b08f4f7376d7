// The board's map: units on duty, coloured by status, redrawn on every live notice of the
// "resources" group. No tile layer unless one is configured (closed networks): the policing
// area outlines still orient the reader. Units that never reported sit at their station, hollow.
(function () {
  var el = document.getElementById("board-map") || document.getElementById("console-map");
  if (!el || typeof L === "undefined") return;
  var COLOURS = {
    available: "#067647", assigned: "#b54708", en_route: "#b54708", at_scene: "#b42318",
    transporting: "#6941c6", at_custody: "#6941c6", refreshment: "#5a6470", unavailable: "#5a6470"
  };
  var map = L.map(el, { attributionControl: false });
  if (el.dataset.tiles) L.tileLayer(el.dataset.tiles, { maxZoom: 18 }).addTo(map);
  var areas = L.layerGroup().addTo(map);
  var units = L.layerGroup().addTo(map);
  var fitted = false;

  function draw(data) {
    var bounds = L.latLngBounds([]);
    areas.clearLayers();
    data.areas.forEach(function (area) {
      if (!area.boundary || !area.boundary.coordinates) return;
      var layer = L.geoJSON(area.boundary, {
        style: { color: area.type === "urban" ? "#1f6feb" : "#067647", weight: 1, fillOpacity: 0.05 }
      }).addTo(areas);
      bounds.extend(layer.getBounds());
    });
    units.clearLayers();
    data.units.forEach(function (u) {
      var colour = COLOURS[u.status] || "#12355b";
      L.circleMarker([u.lat, u.lon], {
        radius: 7, color: colour, weight: 3, dashArray: u.stale ? "3 3" : null,
        fillColor: colour, fillOpacity: u.located ? 0.85 : 0.1
      }).bindTooltip(u.call_sign + " · " + u.status_label + (u.stale ? " · stale" : ""),
        { direction: "top" }).addTo(units);
      bounds.extend([u.lat, u.lon]);
    });
    (data.incidents || []).forEach(function (i) {
      var colour = i.grade === 1 ? "#b42318" : i.grade === 2 ? "#b54708" : "#12355b";
      L.marker([i.lat, i.lon], {
        icon: L.divIcon({ className: "incident-pin g" + i.grade, html: "G" + i.grade, iconSize: [26, 26] }),
        keyboard: false
      }).bindTooltip(i.reference + " · " + i.status.replace(/_/g, " "), { direction: "top" }).addTo(units);
      bounds.extend([i.lat, i.lon]);
    });
    if (!fitted) {
      if (bounds.isValid()) map.fitBounds(bounds, { padding: [20, 20] });
      else map.setView([52.3, 0.0], 9);
      fitted = true;
    }
  }

  var pending = false, again = false;
  function refresh() {
    if (pending) { again = true; return; }
    pending = true;
    fetch(el.dataset.source, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) draw(data); })
      .finally(function () { pending = false; if (again) { again = false; refresh(); } });
  }
  refresh();
  // Every live group on the page moves something on the map (units, incidents).
  document.querySelectorAll("[data-live-group]").forEach(function (group) {
    group.addEventListener("live:changed", refresh);
  });
})();
