// Draws policing areas and stations. No tile layer unless one is configured on the element
// (control rooms may have no map server): the outlines alone still orient the reader.
(function () {
  var data = JSON.parse(document.getElementById("map-data").textContent);
  var element = document.getElementById("map");
  var map = L.map(element, { attributionControl: false });
  if (element.dataset.tiles) L.tileLayer(element.dataset.tiles, { maxZoom: 18 }).addTo(map);

  // The view must be set before any layer is added: permanent tooltips position themselves
  // against the map's pixel origin as soon as they are added.
  var bounds = L.latLngBounds([]);
  data.areas.forEach(function (area) {
    if (area.boundary && area.boundary.coordinates) {
      area.boundary.coordinates[0].forEach(function (p) { bounds.extend([p[1], p[0]]); });
    }
  });
  data.stations.forEach(function (s) { bounds.extend([s.lat, s.lon]); });
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [20, 20] });
  else map.setView([52.3, 0.0], 9);

  data.areas.forEach(function (area) {
    if (!area.boundary || !area.boundary.coordinates) return;
    L.geoJSON(area.boundary, {
      style: { color: area.type === "urban" ? "#1f6feb" : "#067647", weight: 2, fillOpacity: 0.12 }
    }).bindTooltip(area.name + " (" + area.type + ")", { sticky: true }).addTo(map);
  });
  // Stations a few kilometres apart would overlap their labels: the second one labels leftwards.
  var drawn = [];
  data.stations.forEach(function (s) {
    var crowded = drawn.some(function (d) {
      return Math.abs(d.lat - s.lat) < 0.06 && Math.abs(d.lon - s.lon) < 0.06;
    });
    drawn.push(s);
    L.circleMarker([s.lat, s.lon], { radius: 6, color: "#12355b", fillColor: "#fff", fillOpacity: 1, weight: 3 })
      .addTo(map)
      .bindTooltip(s.name, {
        permanent: true, direction: crowded ? "left" : "right", offset: crowded ? [-8, 0] : [8, 0]
      });
  });
})();
