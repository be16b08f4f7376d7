// The incident's position and the units on it, over the policing area outlines. The map element
// is kept across live swaps (hx-preserve); the data beside it is swapped, so redraw from it then.
(function () {
  var element = document.getElementById("incident-map");
  if (!element || !window.L) return;
  var map = L.map(element, { attributionControl: false });
  if (element.dataset.tiles) L.tileLayer(element.dataset.tiles, { maxZoom: 19 }).addTo(map);
  var areasHolder = document.getElementById("incident-map-areas");
  var areas = areasHolder ? JSON.parse(areasHolder.textContent) || [] : [];
  var layer = L.layerGroup().addTo(map);
  var viewSet = false;
  var drawn = null;

  function draw() {
    var holder = document.getElementById("incident-map-data");
    // Most swaps (other panels loading, unrelated live notices) leave the data as it was.
    if (!holder || holder.textContent === drawn) return;
    drawn = holder.textContent;
    var data = JSON.parse(drawn);
    var bounds = L.latLngBounds([]);
    if (data.incident) bounds.extend([data.incident.lat, data.incident.lon]);
    data.units.forEach(function (u) { bounds.extend([u.lat, u.lon]); });
    if (!bounds.isValid()) return;
    if (!viewSet) {
      // The view must be set before layers with tooltips are added.
      map.fitBounds(bounds.pad(0.5), { maxZoom: 14 });
      DemandHub.drawAreaOutlines(map, areas);
      viewSet = true;
    }
    map.invalidateSize();
    layer.clearLayers();
    data.units.forEach(function (u) {
      L.circleMarker([u.lat, u.lon], { radius: 6, color: "#067647", fillColor: "#12b76a", fillOpacity: 1, weight: 2 })
        .bindTooltip(u.call_sign + " · " + u.status, { permanent: true, direction: "right", offset: [7, 0] })
        .addTo(layer);
    });
    if (data.incident) {
      L.circleMarker([data.incident.lat, data.incident.lon], { radius: 8, color: "#b42318", fillColor: "#fff", fillOpacity: 1, weight: 3 })
        .bindTooltip((data.incident.grade ? "G" + data.incident.grade + " · " : "") + (data.incident.text || "Incident"), { permanent: true, direction: "left", offset: [-8, 0] })
        .addTo(layer);
    }
  }
  draw();
  document.body.addEventListener("htmx:afterSwap", draw);
})();
