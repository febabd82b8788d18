// Portal form enhancements; every form also works without JavaScript (all fields shown).
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("apply-form");
  if (!form) return;

  // Show the identity fields that fit the applicant type: citizens give an ID document,
  // organisations a unified social credit code and a contact person.
  const typeInputs = form.querySelectorAll("input[name=applicant_type]");
  const person = form.querySelector("[data-applicant=person]");
  const org = form.querySelector("[data-applicant=org]");
  // The name and upload labels are worded for the chosen type (单位名称, 营业执照或登记证书).
  const switchedLabels = form.querySelectorAll("[data-applicant-label]");
  const showApplicantFields = () => {
    const checked = form.querySelector("input[name=applicant_type]:checked");
    const isPerson = !checked || checked.value === "natural_person";
    if (person) person.hidden = !isPerson;
    if (org) org.hidden = isPerson;
    if (!checked) return;
    switchedLabels.forEach((wrapper) => {
      const label = wrapper.querySelector("label");
      const text = isPerson ? wrapper.dataset.labelPerson : wrapper.dataset.labelOrg;
      if (label && text) label.textContent = text;
    });
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
// Each of its links moves the focus to its field and scrolls the field's label (or legend) into view,
// so a phone user need not hunt for the red field in a long form.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-form-errors]");
  if (!summary) return;
  summary.focus();
  summary.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-error-link]");
    if (!link) return;
    const target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!target) return;
    event.preventDefault();
    const legend = target.closest("fieldset")?.querySelector("legend");
    const label = target.type === "radio" && legend
      ? legend : document.querySelector(`label[for="${CSS.escape(target.id)}"]`);
    (label || target).scrollIntoView({ block: "start" });
    target.focus({ preventScroll: true });
    history.replaceState(null, "", link.hash);
  });
});
