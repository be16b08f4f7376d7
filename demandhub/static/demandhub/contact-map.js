// The contact's location and the handset (AML) positions with their accuracy circles, over the
// policing area outlines. Redrawn whenever the live fragment that carries the data is swapped.
(function () {
  var element = document.getElementById("contact-map");
  if (!element || !window.L) return;
  var map = L.map(element, { attributionControl: false });
  if (element.dataset.tiles) L.tileLayer(element.dataset.tiles, { maxZoom: 19 }).addTo(map);
  var areas = JSON.parse(document.getElementById("contact-map-areas").textContent);
  var layer = L.layerGroup().addTo(map);
  var viewSet = false;

  function draw() {
    var holder = document.getElementById("contact-map-data");
    if (!holder) return;
    var data = JSON.parse(holder.textContent);
    var bounds = L.latLngBounds([]);
    data.handset.forEach(function (h) { bounds.extend([h.lat, h.lon]); });
    if (data.location) bounds.extend([data.location.lat, data.location.lon]);
    element.hidden = !bounds.isValid();
    if (!bounds.isValid()) return;
    if (!viewSet) {
      // The view must be set before layers with tooltips are added.
      map.fitBounds(bounds.pad(0.5), { maxZoom: 14 });
      DemandHub.drawAreaOutlines(map, areas);
      viewSet = true;
    }
    map.invalidateSize();
    layer.clearLayers();
    data.handset.forEach(function (h) {
      if (h.accuracy) L.circle([h.lat, h.lon], { radius: h.accuracy, color: "#1f6feb", weight: 1, fillOpacity: 0.15 }).addTo(layer);
      L.circleMarker([h.lat, h.lon], { radius: 5, color: "#1f6feb", fillColor: "#1f6feb", fillOpacity: 1 })
        .bindTooltip("Handset" + (h.accuracy ? " ±" + Math.round(h.accuracy) + " m" : ""), { direction: "right", offset: [6, 0] })
        .addTo(layer);
    });
    if (data.location) {
      L.circleMarker([data.location.lat, data.location.lon], { radius: 8, color: "#b42318", fillColor: "#fff", fillOpacity: 1, weight: 3 })
        .bindTooltip(data.location.text || "Location", { permanent: true, direction: "left", offset: [-8, 0] })
        .addTo(layer);
    }
  }
  draw();
  document.body.addEventListener("htmx:afterSwap", draw);
})();
