// Small progressive enhancements; pages work without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // Ask before actions that matter: <form data-confirm="...">.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
  // A double click files one request: disable submit buttons once the form is sent.
  document.querySelectorAll("form[data-once]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (event.defaultPrevented) return; // a dismissed confirmation sends nothing: keep the buttons
      form.querySelectorAll("button[type=submit]").forEach((b) => { b.disabled = true; });
    });
  });
});
