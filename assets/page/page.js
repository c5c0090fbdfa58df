// The indicator pages' one enhancement: a button that copies the citation. Without
// JavaScript the citation is plain text to select, and the button stays hidden.
"use strict";
document.querySelectorAll("button[data-copies]").forEach((button) => {
  const source = document.getElementById(button.dataset.copies);
  if (!source || !navigator.clipboard) {
    return;
  }
  const status = document.getElementById(button.dataset.status);
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(source.textContent.trim());
      if (status) status.textContent = "Copied.";
    } catch (error) {
      if (status) status.textContent = "Could not copy; select the text instead.";
    }
  });
});
