// A choice in progress survives a refresh. On an element with data-keep-choices whose content
// htmx swaps (live notices, or the user's own action on another row):
//
// - a live refresh waits while focus is inside a form in the region (a <select> held open, a
//   field being typed in, the button about to be clicked), and runs as soon as focus leaves it,
//   or after HOLD_LIMIT_MS at the latest: a control room's list must never go stale for long.
//   The region carries data-refresh-held meanwhile, so the page can say an update is waiting;
// - every swap into the region puts back the values the user changed but has not submitted
//   (and the focus), on the same control in the new content: the same form action and name.
//   A choice the new content no longer offers (the incident was deployed meanwhile) is not
//   forced back; the form the user just submitted starts afresh from the server's answer.
//
// htmx's hx-preserve would keep the old <select> whole, with stale options; this keeps the
// fresh content and only the user's unsent input.
(function () {
  var HOLD_LIMIT_MS = 15000;
  var held = new Map(); // region -> {issue: function, timer: id}
  var saved = new Map(); // region -> controls to put back after its swap

  function isLive(event) {
    return !!event && typeof event.type === "string" && event.type.indexOf("live:") === 0;
  }

  // Focus inside a form of the region: the user is choosing, typing or about to click.
  function choosing(area) {
    var active = document.activeElement;
    return !!active && area.contains(active) && !!active.closest("form");
  }

  function release(area) {
    var hold = held.get(area);
    if (!hold) return;
    held.delete(area);
    clearTimeout(hold.timer);
    area.removeAttribute("data-refresh-held");
    if (area.isConnected) hold.issue(true);
  }

  document.addEventListener("htmx:confirm", function (event) {
    var area = event.detail.elt;
    if (!area.hasAttribute("data-keep-choices") || !isLive(event.detail.triggeringEvent)) return;
    if (!choosing(area)) return;
    event.preventDefault();
    var hold = held.get(area);
    if (hold) {
      hold.issue = event.detail.issueRequest; // one re-fetch fetches everything: keep the last
      return;
    }
    held.set(area, {
      issue: event.detail.issueRequest,
      timer: setTimeout(function () { release(area); }, HOLD_LIMIT_MS),
    });
    area.setAttribute("data-refresh-held", "");
  });

  // focusout fires before the next element takes focus: look once focus has settled.
  document.addEventListener("focusout", function () {
    setTimeout(function () {
      held.forEach(function (_, area) {
        if (!choosing(area)) release(area);
      });
    }, 0);
  });

  // Which control in the new content is "the same one": its id, else its form and name.
  function key(control) {
    if (control.id) return "#" + control.id;
    var form = control.form;
    if (!form || !control.name) return null;
    var where = form.id || form.getAttribute("action") || form.getAttribute("hx-post") || "";
    var which = control.type === "checkbox" || control.type === "radio" ? "=" + control.value : "";
    return where + "|" + control.name + which;
  }

  function changed(control) {
    if (control.tagName === "SELECT") {
      return Array.prototype.some.call(control.options, function (o) { return o.selected !== o.defaultSelected; });
    }
    if (control.type === "checkbox" || control.type === "radio") return control.checked !== control.defaultChecked;
    return control.value !== control.defaultValue;
  }

  function controls(root) {
    return root.querySelectorAll("select, textarea, input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=file])");
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var area = event.detail.target;
    if (!area || !area.hasAttribute("data-keep-choices") || !event.detail.shouldSwap) return;
    var config = event.detail.requestConfig || {};
    var sent = config.elt && config.elt !== area ? config.elt.closest("form") || config.elt : null;
    var kept = [];
    controls(area).forEach(function (control) {
      var focused = control === document.activeElement;
      var name = key(control);
      if (!name || (sent && sent.contains(control)) || !(focused || changed(control))) return;
      kept.push({
        key: name,
        values: control.tagName === "SELECT"
          ? Array.prototype.filter.call(control.options, function (o) { return o.selected; }).map(function (o) { return o.value; })
          : null,
        value: control.value,
        checked: control.checked,
        focused: focused,
        selection: focused && typeof control.selectionStart === "number" ? [control.selectionStart, control.selectionEnd] : null,
      });
    });
    if (kept.length) saved.set(area, kept);
    else saved.delete(area);
  });

  function putBack(control, was) {
    if (control.tagName === "SELECT") {
      var offered = Array.prototype.filter.call(control.options, function (o) { return was.values.indexOf(o.value) >= 0 && !o.disabled; });
      if (offered.length !== was.values.length) return false; // what was chosen is gone
      Array.prototype.forEach.call(control.options, function (o) { o.selected = offered.indexOf(o) >= 0; });
    } else if (control.type === "checkbox" || control.type === "radio") {
      control.checked = was.checked;
    } else {
      control.value = was.value;
    }
    return true;
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    var area = event.detail.target;
    var kept = area && saved.get(area);
    if (!kept) return;
    saved.delete(area);
    var root = area.isConnected ? area : (area.id && document.getElementById(area.id)) || document;
    var byKey = new Map();
    controls(root).forEach(function (control) {
      var name = key(control);
      if (name && !byKey.has(name)) byKey.set(name, control);
    });
    kept.forEach(function (was) {
      var control = byKey.get(was.key);
      if (!control || !putBack(control, was)) return;
      if (was.focused) {
        control.focus({ preventScroll: true });
        if (was.selection && control.setSelectionRange) control.setSelectionRange(was.selection[0], was.selection[1]);
      }
    });
  });

  // The user's own action swapped the region: its fresh content makes a held refresh moot.
  document.addEventListener("htmx:afterSwap", function (event) {
    var area = event.detail.target;
    var hold = area && held.get(area);
    if (!hold || isLive((event.detail.requestConfig || {}).triggeringEvent)) return;
    held.delete(area);
    clearTimeout(hold.timer);
    area.removeAttribute("data-refresh-held");
  });
})();
