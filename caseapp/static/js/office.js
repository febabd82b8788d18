// Office pages: small progressive enhancements; every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // Receipt: a print button (window.print cannot be an inline handler under the CSP).
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });

  // Registration form: show the identity fields that fit the applicant type.
  const type = document.querySelector(".register-form select[name=applicant_type]");
  if (type) {
    const sync = () => {
      const person = type.value === "natural_person";
      document.querySelectorAll("[data-applicant=person]").forEach((el) => { el.hidden = !person; });
      document.querySelectorAll("[data-applicant=organisation]").forEach((el) => { el.hidden = person; });
    };
    type.addEventListener("change", sync);
    sync();
  }

  // Inbox filters: changing a select applies it at once.
  document.querySelectorAll(".inbox-filters select").forEach((select) => {
    select.addEventListener("change", () => select.form.requestSubmit());
  });
});
