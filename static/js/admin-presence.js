"use strict";
// Tells the server that this story's change page is still open, every half minute, and that
// it is closed as the page goes, so that "Also open for editing by…" names only people who
// are still there.
document.addEventListener("DOMContentLoaded", () => {
    const box = document.querySelector("#story_form [data-presence-url]");
    if (!box) {
        return;
    }
    const token = box.closest("form").querySelector("[name=csrfmiddlewaretoken]").value;
    const HEARTBEAT = 30000;
    const formWithToken = () => {
        const body = new FormData();
        body.append("csrfmiddlewaretoken", token);
        return body;
    };
    const stillOpen = () => fetch(box.dataset.presenceUrl, {method: "POST", credentials: "same-origin", body: formWithToken()}).catch(() => {});
    setInterval(stillOpen, HEARTBEAT);
    window.addEventListener("pagehide", () => navigator.sendBeacon(box.dataset.leaveUrl, formWithToken()));
    // Back from the browser's page cache: open again.
    window.addEventListener("pageshow", (event) => event.persisted && stillOpen());
});
