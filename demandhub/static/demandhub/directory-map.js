// Draws policing areas and stations. No tile layer unless one is configured on the element
// (control rooms may have no map server): the outlines alone still orient the reader.
(function () {
  var data = JSON.parse(document.getElementById("map-data").textContent);
  var map = L.map("map", { attributionControl: false });
  var tiles = document.getElementById("map").dataset.tiles;
  if (tiles) L.tileLayer(tiles, { maxZoom: 18 }).addTo(map);
  var bounds = L.latLngBounds([]);
  data.areas.forEach(function (area) {
    if (!area.boundary || !area.boundary.coordinates) return;
    var layer = L.geoJSON(area.boundary, {
      style: { color: area.type === "urban" ? "#1f6feb" : "#067647", weight: 2, fillOpacity: 0.12 }
    }).bindTooltip(area.name + " (" + area.type + ")").addTo(map);
    bounds.extend(layer.getBounds());
  });
  data.stations.forEach(function (s) {
    L.circleMarker([s.lat, s.lon], { radius: 6, color: "#12355b", fillColor: "#fff", fillOpacity: 1, weight: 3 })
      .bindTooltip(s.name + " · " + s.area, { permanent: true, direction: "right", className: "station-label" })
      .addTo(map);
    bounds.extend([s.lat, s.lon]);
  });
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [20, 20] });
  else map.setView([52.3, 0.0], 9);
})();
