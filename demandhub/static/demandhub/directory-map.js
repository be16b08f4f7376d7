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
  // Nearby stations would overlap their labels: each label tries right, left, above and below
  // and keeps the first place that clears the labels already drawn, judged in screen pixels.
  var placed = [];
  function overlapsPlaced(rect) {
    return placed.some(function (r) {
      return rect.left < r.right && r.left < rect.right && rect.top < r.bottom && r.top < rect.bottom;
    });
  }
  var sides = [["right", [8, 0]], ["left", [-8, 0]], ["top", [0, -8]], ["bottom", [0, 8]]];
  data.stations.forEach(function (s) {
    var marker = L.circleMarker([s.lat, s.lon], {
      radius: 6, color: "#12355b", fillColor: "#fff", fillOpacity: 1, weight: 3
    }).addTo(map);
    for (var i = 0; i < sides.length; i++) {
      marker.unbindTooltip();
      marker.bindTooltip(s.name, { permanent: true, direction: sides[i][0], offset: sides[i][1] });
      var rect = marker.getTooltip().getElement().getBoundingClientRect();
      if (!overlapsPlaced(rect) || i === sides.length - 1) { placed.push(rect); break; }
    }
  });
})();
