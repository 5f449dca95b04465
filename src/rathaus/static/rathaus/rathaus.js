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

// Street suggestions: an address field comes with the town's street names in a <datalist>. As the
// citizen types, the street directory's best matches for the text replace the options
// (GET /api/v1/streets?q=…, which folds umlauts and "Str." like the address check). Sent without
// cookies: the answer is the same for everyone, so the server answers it from its page cache.
// Any failure keeps the list the server rendered.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input[data-street-suggestions][list]").forEach((input) => {
    const list = document.getElementById(input.getAttribute("list"));
    if (!list) return;
    const rendered = Array.from(list.children, (option) => option.cloneNode(true));
    let timer;
    let shown = "";
    const show = (options, text) => {
      shown = text;
      list.replaceChildren(...options);
    };
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const text = input.value.trim();
        if (text === shown) return;
        if (text.length < 2) {
          show(rendered.map((option) => option.cloneNode(true)), text);
          return;
        }
        try {
          const query = new URLSearchParams({ q: text });
          const response = await fetch(`${input.dataset.streetSuggestions}?${query}`, {
            credentials: "omit",
            headers: { Accept: "application/json" },
          });
          if (!response.ok || input.value.trim() !== text) return;
          const { streets } = await response.json();
          if (!Array.isArray(streets) || streets.length === 0) return;
          show(
            streets.map(({ name }) => Object.assign(document.createElement("option"), { value: name })),
            text,
          );
        } catch {
          // Offline or refused: the rendered list stays.
        }
      }, 150);
    });
  });
});
