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
