// A button that prints the page (the report QR code sheet). In a file: the content security policy
// forbids inline scripts.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
