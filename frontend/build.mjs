// Copies the front-end packages Rathaus serves itself into dist/ (collected by Django's staticfiles).
// No request ever leaves for a third-party host: fonts and styles come from here.
import { cpSync, mkdirSync, rmSync } from "node:fs";

const out = new URL("./dist/", import.meta.url);
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const kern = new URL("./node_modules/@kern-ux/native/dist/", import.meta.url);
cpSync(new URL("kern.min.css", kern), new URL("kern/kern.min.css", out));
cpSync(new URL("fonts/", kern), new URL("kern/fonts/", out), { recursive: true });
cpSync(new URL("./node_modules/htmx.org/dist/htmx.min.js", import.meta.url), new URL("htmx/htmx.min.js", out));
// axe-core is only injected by the browser tests; it is never served to visitors.
console.log("front-end assets written to frontend/dist/");
