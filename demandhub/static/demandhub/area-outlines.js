// The policing areas drawn faintly under a page's own markers, each named on hover: shared by
// the incident and contact maps (incident-map.js, contact-map.js), which load this first.
// Call it once the view is set: tooltips position themselves against the map when added.
window.DemandHub = window.DemandHub || {};
window.DemandHub.drawAreaOutlines = function (map, areas) {
  (areas || []).forEach(function (a) {
    if (!a.boundary || !a.boundary.coordinates) return;
    L.geoJSON(a.boundary, { style: { color: "#98a2b3", weight: 1, fillOpacity: 0.04 } })
      .bindTooltip(a.name, { sticky: true }).addTo(map);
  });
};
