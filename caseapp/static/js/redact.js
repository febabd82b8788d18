// The redaction page: preview where the terms occur (highlighted over the page images) and draw the
// areas to remove with the mouse. The areas are kept in the form's hidden `areas` field as JSON in
// PDF points ({page, x0, y0, x1, y1}, origin top left), which redact_record takes as it is. Boxes are
// placed in percent of their page, so they stay on the text whatever the image's displayed size.
(function () {
  "use strict";
  var form = document.getElementById("redact-form");
  if (!form) { return; }
  var field = form.querySelector("input[name=areas]");
  var list = document.getElementById("area-list");
  var none = document.getElementById("no-areas");
  var result = document.getElementById("preview-result");
  var pages = Array.prototype.slice.call(document.querySelectorAll(".redact-page"));
  var MIN_POINTS = 3; // a click without a drag draws nothing

  function size(page) {
    return { w: parseFloat(page.getAttribute("data-width")), h: parseFloat(page.getAttribute("data-height")) };
  }
  function pageOf(number) {
    return pages.filter(function (p) { return Number(p.getAttribute("data-page")) === number; })[0];
  }
  function place(el, page, x0, y0, x1, y1) {
    var s = size(page);
    el.style.left = (x0 / s.w * 100) + "%";
    el.style.top = (y0 / s.h * 100) + "%";
    el.style.width = ((x1 - x0) / s.w * 100) + "%";
    el.style.height = ((y1 - y0) / s.h * 100) + "%";
  }
  function round(v) { return Math.round(v * 10) / 10; }

  // --- areas ---------------------------------------------------------------------------------------
  var areas = [];
  try { areas = JSON.parse(field.value || "[]"); } catch (e) { areas = []; }
  if (!Array.isArray(areas)) { areas = []; }

  function render() {
    field.value = areas.length ? JSON.stringify(areas) : "";
    document.querySelectorAll(".redact-area:not(.drawing)").forEach(function (el) { el.remove(); });
    list.textContent = "";
    areas.forEach(function (a, i) {
      var page = pageOf(Number(a.page));
      if (page) {
        var box = document.createElement("div");
        box.className = "redact-area";
        box.setAttribute("data-area", String(i + 1));
        var number = document.createElement("span");
        number.className = "redact-area-number";
        number.textContent = String(i + 1);
        box.appendChild(number);
        place(box, page, a.x0, a.y0, a.x1, a.y1);
        page.appendChild(box);
      }
      var item = document.createElement("li");
      item.textContent = form.getAttribute("data-area-label").replace("{page}", a.page) + " (" +
        Math.round(a.x0) + ", " + Math.round(a.y0) + ")–(" + Math.round(a.x1) + ", " + Math.round(a.y1) + ") ";
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "btn btn-link btn-sm p-0 align-baseline text-danger";
      remove.textContent = form.getAttribute("data-remove-label");
      remove.addEventListener("click", function () { areas.splice(i, 1); render(); });
      item.appendChild(remove);
      list.appendChild(item);
    });
    none.hidden = areas.length > 0;
  }

  pages.forEach(function (page) {
    var start = null;
    var box = null;
    function at(event) {
      var r = page.getBoundingClientRect();
      var s = size(page);
      var x = Math.min(Math.max(event.clientX - r.left, 0), r.width) / r.width * s.w;
      var y = Math.min(Math.max(event.clientY - r.top, 0), r.height) / r.height * s.h;
      return { x: x, y: y };
    }
    page.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) { return; }
      event.preventDefault();
      page.setPointerCapture(event.pointerId);
      start = at(event);
      box = document.createElement("div");
      box.className = "redact-area drawing";
      page.appendChild(box);
      place(box, page, start.x, start.y, start.x, start.y);
    });
    page.addEventListener("pointermove", function (event) {
      if (!start) { return; }
      var p = at(event);
      place(box, page, Math.min(start.x, p.x), Math.min(start.y, p.y), Math.max(start.x, p.x), Math.max(start.y, p.y));
    });
    function end(event) {
      if (!start) { return; }
      var p = at(event);
      box.remove();
      var a = { page: Number(page.getAttribute("data-page")), x0: round(Math.min(start.x, p.x)),
                y0: round(Math.min(start.y, p.y)), x1: round(Math.max(start.x, p.x)), y1: round(Math.max(start.y, p.y)) };
      start = null;
      box = null;
      if (a.x1 - a.x0 >= MIN_POINTS && a.y1 - a.y0 >= MIN_POINTS) {
        areas.push(a);
        render();
      }
    }
    page.addEventListener("pointerup", end);
    page.addEventListener("pointercancel", function () { if (box) { box.remove(); } start = null; box = null; });
  });
  render();

  // --- preview of the terms --------------------------------------------------------------------------
  var button = document.getElementById("preview-terms");
  function say(lines, failed) {
    result.textContent = "";
    result.classList.toggle("text-danger", Boolean(failed));
    lines.forEach(function (line) {
      var p = document.createElement("div");
      p.textContent = line;
      result.appendChild(p);
    });
  }
  button.addEventListener("click", function () {
    var body = new URLSearchParams();
    body.set("csrf_token", form.querySelector("input[name=csrf_token]").value);
    body.set("terms", form.querySelector("[name=terms]").value);
    document.querySelectorAll(".redact-hit").forEach(function (el) { el.remove(); });
    result.removeAttribute("data-hits");
    fetch(form.getAttribute("data-find-url"), { method: "POST", body: body, credentials: "same-origin",
                                                 headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (data.error) { say([data.error.message], true); return; }
        var shown = 0;
        data.hits.forEach(function (hit) {
          var page = pageOf(hit.page);
          if (!page) { return; }
          hit.rects.forEach(function (rect) {
            var el = document.createElement("div");
            el.className = "redact-hit";
            el.title = hit.term;
            place(el, page, rect[0], rect[1], rect[2], rect[3]);
            page.appendChild(el);
            shown += 1;
          });
        });
        say(data.summary, data.missing.length > 0);
        result.setAttribute("data-hits", String(shown));
        var first = document.querySelector(".redact-hit");
        if (first) { first.scrollIntoView({ block: "center" }); }
      })
      .catch(function () { say([form.getAttribute("data-preview-failed")], true); });
  });
})();
