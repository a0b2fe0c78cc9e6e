// The visit form: the phone's position fills the optional GPS point, "found a problem" starts the case's
// description from the visit's notes, and a second tap while the form is on its way sends nothing more.
// In a file, never inline: the content security policy forbids inline scripts.

function setUpLocation(form) {
  const button = form.querySelector("[data-visit-locate]");
  const status = form.querySelector("[data-visit-location-status]");
  const longitude = form.querySelector("#id_longitude");
  const latitude = form.querySelector("#id_latitude");
  if (!button || !("geolocation" in navigator)) {
    button?.setAttribute("disabled", "");
    return;
  }
  const locate = () => {
    status.textContent = button.dataset.waiting;
    navigator.geolocation.getCurrentPosition(
      (position) => {
        longitude.value = position.coords.longitude.toFixed(6);
        latitude.value = position.coords.latitude.toFixed(6);
        status.textContent = `${latitude.value}, ${longitude.value}`;
      },
      () => {
        status.textContent = button.dataset.failed;
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
    );
  };
  button.addEventListener("click", locate);
  // Where the worker has already allowed it, the point is taken without asking (no prompt appears).
  if (!longitude.value && navigator.permissions) {
    navigator.permissions
      .query({ name: "geolocation" })
      .then((permission) => permission.state === "granted" && locate())
      .catch(() => {});
  }
}

function setUpProblem(form) {
  const found = form.querySelector("#id_found_problem");
  const notes = form.querySelector("#id_notes");
  const description = form.querySelector("#id_problem_description");
  found?.addEventListener("change", () => {
    if (found.checked && description && !description.value.trim()) {
      description.value = notes.value;
    }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("visit-form");
  if (!form) {
    return;
  }
  setUpLocation(form);
  setUpProblem(form);
  form.addEventListener("submit", () => {
    form.querySelector("[type=submit]").setAttribute("disabled", "");
  });
});
