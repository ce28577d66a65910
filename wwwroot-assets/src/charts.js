// A small generic wrapper over ApexCharts, exposed as window.AllDataCharts; charts are addressed by element id.
import ApexCharts from 'apexcharts';

const charts = new Map();

function withTheme(options) {
  const mode = options?.theme?.mode;
  if (!mode) return options;
  return { ...options, chart: { background: 'transparent', ...options.chart, foreColor: options.chart?.foreColor ?? (mode === 'dark' ? '#e0e0e0' : '#373d3f') } };
}

export const AllDataCharts = {
  async create(elementId, options) {
    AllDataCharts.destroy(elementId);
    const element = document.getElementById(elementId);
    if (!element) throw new Error(`No element with id '${elementId}'.`);
    const chart = new ApexCharts(element, withTheme(options));
    charts.set(elementId, chart);
    await chart.render();
  },
  async update(elementId, options) {
    await charts.get(elementId)?.updateOptions(withTheme(options), true, true);
  },
  async updateSeries(elementId, series) {
    await charts.get(elementId)?.updateSeries(series, true);
  },
  async appendData(elementId, data) {
    await charts.get(elementId)?.appendData(data);
  },
  destroy(elementId) {
    const chart = charts.get(elementId);
    if (!chart) return;
    charts.delete(elementId);
    chart.destroy();
  },
};

window.AllDataCharts = AllDataCharts;
