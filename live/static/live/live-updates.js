// New live updates appear without a reload: every 30 seconds the page asks the polling
// fragment (the same cached answer for every reader) for the newest updates, inserts those it
// does not show yet and announces them politely to screen readers. Only the first page of a
// newest-first stream takes new updates; other pages and closed coverage are left as they are.
(function () {
  "use strict";
  var stream = document.querySelector("[data-live-updates]");
  if (!stream || stream.hasAttribute("data-closed")) return;
  var params = new URLSearchParams(window.location.search);
  if ((params.get("page") && params.get("page") !== "1") || params.get("update")) return;
  var newestFirst = stream.getAttribute("data-order") !== "oldest";
  var list = stream.querySelector(".live-updates");
  var announcer = stream.querySelector(".live-announcer");
  var interval = Number(stream.getAttribute("data-poll-seconds")) || 30;

  function shown(id) {
    return document.getElementById("update-" + id) !== null;
  }

  function insert(updates) {
    var added = 0;
    // Oldest of the new first, so that each lands in its place.
    updates.slice().reverse().forEach(function (update) {
      if (shown(update.id)) return;
      var template = document.createElement("template");
      template.innerHTML = update.html;
      var article = template.content.firstElementChild;
      if (!article) return;
      if (newestFirst) list.insertBefore(article, list.firstElementChild);
      else list.appendChild(article);
      added += 1;
    });
    var empty = list.querySelector(".live-empty");
    if (added && empty) empty.remove();
    if (added && announcer) {
      announcer.textContent = added === 1 ? "1 new update." : added + " new updates.";
    }
  }

  function poll() {
    fetch(stream.getAttribute("data-live-updates"), {
      headers: { Accept: "application/json" },
      credentials: "omit",
    })
      .then(function (response) {
        return response.ok ? response.json() : { updates: [] };
      })
      .then(function (data) {
        insert(data.updates || []);
        if (!data.closed) window.setTimeout(poll, interval * 1000);
      })
      .catch(function () {
        window.setTimeout(poll, interval * 2000);
      });
  }

  window.setTimeout(poll, interval * 1000);
})();
