// Small progressive enhancements; every page works without JavaScript.
// Loaded as a static file because the Content-Security-Policy forbids inline scripts.
document.addEventListener("DOMContentLoaded", () => {
  // GOV.UK pattern: the error summary takes focus so screen readers announce it first.
  const summary = document.querySelector("[data-error-summary]");
  if (!summary) return;
  summary.focus();

  // A link in the summary moves focus to its field and scrolls the field's label (or the
  // legend of its question) into view, so the question is visible together with the input.
  summary.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    if (!link) return;
    const input = document.getElementById(link.getAttribute("href").slice(1));
    if (!input) return;
    event.preventDefault();
    const legend = input.closest("fieldset")?.querySelector("legend");
    const label = legend || document.querySelector(`label[for='${CSS.escape(input.id)}']`);
    (label || input).scrollIntoView();
    input.focus({ preventScroll: true });
  });
});
