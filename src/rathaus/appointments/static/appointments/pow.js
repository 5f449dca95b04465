/* Proof-of-work for the booking form (ALTCHA-style, self-hosted).
 * Fetches a challenge, finds n with sha256(salt + n) == challenge, and puts the solution into the
 * hidden field. The submit button stays disabled until the check is done. */
(function () {
  "use strict";

  function hex(buffer) {
    return Array.from(new Uint8Array(buffer))
      .map(function (b) { return b.toString(16).padStart(2, "0"); })
      .join("");
  }

  async function solve(challenge) {
    var encoder = new TextEncoder();
    for (var n = 0; n <= challenge.maxnumber; n++) {
      var digest = await crypto.subtle.digest("SHA-256", encoder.encode(challenge.salt + n));
      if (hex(digest) === challenge.challenge) {
        return n;
      }
    }
    throw new Error("no solution");
  }

  async function run(form) {
    var field = document.getElementById(form.dataset.powField);
    var status = document.getElementById(form.dataset.powStatus);
    var button = form.querySelector("button[type=submit]");
    if (!field || !button) { return; }
    button.disabled = true;
    try {
      var response = await fetch(form.dataset.powUrl, { credentials: "same-origin" });
      var challenge = await response.json();
      var number = await solve(challenge);
      field.value = btoa(JSON.stringify({
        algorithm: challenge.algorithm,
        challenge: challenge.challenge,
        number: number,
        salt: challenge.salt,
        signature: challenge.signature
      }));
      if (status) { status.textContent = form.dataset.powDone; }
    } catch (error) {
      if (status) { status.textContent = form.dataset.powFailed; }
    } finally {
      button.disabled = false;
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-pow-url]").forEach(run);
  });
})();
