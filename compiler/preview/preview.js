// Asks the preview every quarter second whether a rebuild was published; if so, swaps in the new
// page without reloading it, so the scroll position stays and unchanged page images are not fetched.
"use strict";

const POLL_MS = 250;

async function refresh() {
  try {
    const state = await (await fetch("/state", {cache: "no-store"})).json();
    if (String(state.version) !== document.body.dataset.version) {
      const html = await (await fetch("/", {cache: "no-store"})).text();
      const fresh = new DOMParser().parseFromString(html, "text/html");
      document.body.replaceWith(document.adoptNode(fresh.body));
    }
  } catch (error) {
    document.body.classList.add("disconnected");  // the preview stopped; keep the last pages
  }
  setTimeout(refresh, POLL_MS);
}

setTimeout(refresh, POLL_MS);
