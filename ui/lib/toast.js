// A short confirmation at the bottom of the window, read out by screen readers.

let timer = 0;

/**
 * @param {string} text
 * @param {"info" | "error"} [tone]
 */
export function toast(text, tone = "info") {
  const element = document.getElementById("toast");
  if (!element) {
    return;
  }
  element.textContent = text;
  element.dataset.tone = tone;
  element.hidden = false;
  window.clearTimeout(timer);
  timer = window.setTimeout(() => {
    element.hidden = true;
  }, tone === "error" ? 6000 : 3000);
}
