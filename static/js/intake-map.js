// The intake page: the place search must not submit the form on Enter, and the chosen place's boundary is
// drawn with ECharts from its GeoJSON (no online tiles), where a click sets the case's point. In a file,
// never inline: the content security policy forbids inline scripts.

let picker = null;

function chosenPoint() {
  const x = parseFloat(document.getElementById("id_longitude")?.value);
  const y = parseFloat(document.getElementById("id_latitude")?.value);
  return Number.isFinite(x) && Number.isFinite(y) ? [[x, y]] : [];
}

function showPoint() {
  if (picker) {
    picker.setOption({ series: [{ data: chosenPoint() }] });
  }
}

// A boundary may be a bare geometry, a Feature or a FeatureCollection; ECharts wants the last, with names.
function featureCollection(boundary, name) {
  let features = [boundary];
  if (boundary.type === "FeatureCollection") {
    features = boundary.features;
  } else if (boundary.type !== "Feature") {
    features = [{ type: "Feature", geometry: boundary }];
  }
  return {
    type: "FeatureCollection",
    features: features.map((feature) => ({ ...feature, properties: { ...(feature.properties || {}), name } })),
  };
}

function drawPicker(container) {
  const source = document.getElementById(container.dataset.intakeMap);
  if (!source || typeof echarts === "undefined") {
    return;
  }
  if (picker) {
    picker.dispose();
  }
  // Each chosen place registers a map of its own name: ECharts keeps registered maps for the page's life.
  const mapName = `intake-${container.dataset.intakeMap}-${Date.now()}`;
  echarts.registerMap(mapName, featureCollection(JSON.parse(source.textContent), container.dataset.name));
  picker = echarts.init(container);
  picker.setOption({
    animation: false,
    geo: {
      map: mapName,
      roam: true,
      selectedMode: false,
      // The place is named above the map; a label in the middle would hide the point.
      label: { show: false },
      itemStyle: { areaColor: "#fbe9e7", borderColor: "#b3261e", borderWidth: 2 },
      emphasis: { label: { show: false }, itemStyle: { areaColor: "#f8d7d3" } },
    },
    series: [
      {
        type: "scatter",
        coordinateSystem: "geo",
        symbolSize: 16,
        itemStyle: { color: "#b3261e", borderColor: "#fff", borderWidth: 2 },
        data: chosenPoint(),
      },
    ],
  });
  const chart = picker;
  chart.getZr().on("click", (event) => {
    const point = chart.convertFromPixel({ geoIndex: 0 }, [event.offsetX, event.offsetY]);
    if (!point) {
      return;
    }
    document.getElementById("id_longitude").value = point[0].toFixed(6);
    const latitude = document.getElementById("id_latitude");
    latitude.value = point[1].toFixed(6);
    // The similar-cases panel listens for this change (htmx).
    latitude.dispatchEvent(new Event("change", { bubbles: true }));
    showPoint();
  });
}

document.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && event.target.matches("[data-area-search]")) {
    event.preventDefault();
  }
});

document.addEventListener("change", (event) => {
  if (event.target.id === "id_longitude" || event.target.id === "id_latitude") {
    showPoint();
  }
});

// A container without a size (a page being printed, captured or left) would give the map a singular
// transform, which ECharts cannot invert: such resizes are skipped.
window.addEventListener("resize", () => {
  const container = picker?.getDom();
  if (container && container.clientWidth > 0 && container.clientHeight > 0) {
    picker.resize();
  }
});

// The chosen place arrives with the page (a form shown again) or later through htmx.
htmx.onLoad((element) => {
  const maps = element.matches("[data-intake-map]") ? [element] : element.querySelectorAll("[data-intake-map]");
  maps.forEach(drawPicker);
});
