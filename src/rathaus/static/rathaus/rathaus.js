// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // GOV.UK pattern: the error summary takes focus so screen readers announce it first.
  const summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
});
