// Portal form enhancements; every form also works without JavaScript (all fields shown).
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("apply-form");
  if (!form) return;

  // Show the identity fields that fit the applicant type: citizens give an ID document,
  // organisations a unified social credit code and a contact person.
  const typeInputs = form.querySelectorAll("input[name=applicant_type]");
  const person = form.querySelector("[data-applicant=person]");
  const org = form.querySelector("[data-applicant=org]");
  const showApplicantFields = () => {
    const checked = form.querySelector("input[name=applicant_type]:checked");
    const isPerson = !checked || checked.value === "natural_person";
    if (person) person.hidden = !isPerson;
    if (org) org.hidden = isPerson;
  };
  typeInputs.forEach((input) => input.addEventListener("change", showApplicantFields));
  showApplicantFields();

  // The assistance note only matters when assistance is needed.
  const needs = form.querySelector("input[name=needs_assistance]");
  const note = form.querySelector("[data-assistance]");
  const showNote = () => { if (note && needs) note.hidden = !needs.checked; };
  if (needs) needs.addEventListener("change", showNote);
  showNote();

  // Warn early about too many or too large files (the server checks again, by content).
  const maxFiles = 10;
  const maxBytes = 20 * 1024 * 1024;
  const fileInputs = form.querySelectorAll("input[type=file]");
  const checkFiles = () => {
    let count = 0;
    let message = "";
    fileInputs.forEach((input) => {
      Array.from(input.files || []).forEach((file) => {
        count += 1;
        if (file.size > maxBytes) message = form.dataset.msgTooLarge.replace("{name}", file.name);
      });
    });
    if (!message && count > maxFiles) message = form.dataset.msgTooMany;
    fileInputs.forEach((input) => input.setCustomValidity(""));
    if (message && fileInputs.length) {
      fileInputs[fileInputs.length - 1].setCustomValidity(message);
      fileInputs[fileInputs.length - 1].reportValidity();
    }
    return !message;
  };
  fileInputs.forEach((input) => input.addEventListener("change", checkFiles));
  form.addEventListener("submit", (event) => {
    if (!checkFiles()) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
});

// After a refused submission, move the keyboard focus to the error summary (announced by screen readers).
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-form-errors]");
  if (summary) summary.focus();
});
