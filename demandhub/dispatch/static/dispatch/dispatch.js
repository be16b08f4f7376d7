// Dispatch pages: let htmx swap in the fragment a refused change comes back with (409 refused
// by the lifecycle, 422 bad input), so the reason shows where the user acted.
document.addEventListener("htmx:beforeSwap", function (event) {
  var status = event.detail.xhr.status;
  if (status === 409 || status === 422) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
