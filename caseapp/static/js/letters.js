// Letters: preview the fee amount while the clerk types (GET .../fee/quote).
(function () {
  "use strict";
  document.querySelectorAll(".js-fee-form").forEach(function (form) {
    var out = form.querySelector(".js-fee-amount");
    var url = form.getAttribute("data-quote-url");
    function update() {
      var basis = form.querySelector("[name=basis]").value;
      var count = form.querySelector("[name=count]").value;
      fetch(url + "?basis=" + encodeURIComponent(basis) + "&count=" + encodeURIComponent(count),
            { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) { out.textContent = data.error ? data.error.message : data.amount + " 元"; })
        .catch(function () { out.textContent = "—"; });
    }
    form.addEventListener("input", update);
    update();
  });
})();

// Letter composer: save the draft while the clerk types, then refresh the preview beside it.
(function () {
  "use strict";
  document.querySelectorAll("form[data-autosave]").forEach(function (form) {
    var status = document.getElementById(form.getAttribute("data-status"));
    var frame = document.getElementById(form.getAttribute("data-preview"));
    var last = new URLSearchParams(new FormData(form)).toString();
    var timer = null;
    var sending = false;
    function say(text) { if (status) { status.textContent = text; } }
    function save() {
      var body = new URLSearchParams(new FormData(form));
      var text = body.toString();
      if (text === last || sending) { return; }
      sending = true;
      say(form.getAttribute("data-saving"));
      fetch(form.action, { method: "POST", body: body, credentials: "same-origin" })
        .then(function (r) {
          if (!r.ok) { throw new Error(String(r.status)); }
          return r.text();
        })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          // A refusal (an expired form, say) comes back as the page with its red message.
          if (doc.querySelector(".alert-danger")) { throw new Error("refused"); }
          last = text;
          // What the saved draft still lacks, as the page now says it.
          var fresh = doc.getElementById("letter-missing");
          var shown = document.getElementById("letter-missing");
          if (shown && fresh) { shown.replaceWith(document.importNode(fresh, true)); }
          else if (shown) { shown.hidden = true; }
          else if (fresh && status) { status.before(document.importNode(fresh, true)); }
          var now = new Date();
          say(form.getAttribute("data-saved") + " " + String(now.getHours()).padStart(2, "0") + ":" +
              String(now.getMinutes()).padStart(2, "0") + ":" + String(now.getSeconds()).padStart(2, "0"));
          form.setAttribute("data-saved-at", String(now.getTime()));
          if (frame) { frame.src = frame.getAttribute("data-src") + "?t=" + now.getTime(); }
        })
        .catch(function () { last = text; say(form.getAttribute("data-failed")); })
        .then(function () {
          sending = false;
          if (new URLSearchParams(new FormData(form)).toString() !== last) { later(); }
        });
    }
    function later() { clearTimeout(timer); timer = setTimeout(save, 1500); }
    form.addEventListener("input", later);
    form.addEventListener("change", later);
    form.addEventListener("submit", function () { clearTimeout(timer); });
  });
})();
