// seen serve: reloads this page when a rebuild of the site finishes.
// Only the preview server sends this file and adds it to the pages it
// serves; `seen build` never writes it, and built sites carry no script.
(() => {
  const me = document.currentScript;
  const since = me ? me.dataset.generation : "";
  const events = new EventSource("/__seen/events?since=" + encodeURIComponent(since));
  events.addEventListener("rebuilt", () => {
    events.close();
    location.reload();
  });
})();
