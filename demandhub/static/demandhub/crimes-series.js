// The series map: each linked crime as a numbered point in time order, joined by a line.
// No tile layer (control rooms may have no map server): the points and their order suffice.
(function () {
  var points = JSON.parse(document.getElementById("series-data").textContent);
  var map = L.map("series-map", { attributionControl: false });
  if (!points.length) { map.setView([52.3, 0.0], 9); return; }
  var bounds = L.latLngBounds(points.map(function (p) { return [p.lat, p.lon]; }));
  map.fitBounds(bounds.pad(0.3), { maxZoom: 16 });
  L.polyline(points.map(function (p) { return [p.lat, p.lon]; }), { color: "#888", dashArray: "4 4" }).addTo(map);
  points.forEach(function (p, i) {
    L.circleMarker([p.lat, p.lon], { radius: 8, color: "#b42318", fillColor: "#fff", fillOpacity: 1, weight: 3 })
      .bindTooltip((i + 1) + ". " + p.reference + " " + p.when.slice(0, 10), { permanent: true, direction: "right", offset: [8, 0] })
      .addTo(map);
  });
})();
