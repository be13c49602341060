// fanlab report renderer: draws every chart spec in #fanlab-data with uPlot, then marks <body> for headless checks.
(function () {
  'use strict';
  var body = document.body;
  function fail(msg) {
    body.setAttribute('data-errors', String((parseInt(body.getAttribute('data-errors') || '0', 10)) + 1));
    var pre = document.getElementById('js-errors');
    if (pre) { pre.hidden = false; pre.textContent += msg + '\n'; }
  }
  window.addEventListener('error', function (e) { fail('error: ' + (e.message || e)); });

  function fmtNum(v) {
    if (v == null || !isFinite(v)) return '';
    var a = Math.abs(v);
    if (a >= 1e6) return (v / 1e6).toFixed(a >= 1e7 ? 0 : 1) + 'M';
    if (a >= 1e4) return (v / 1e3).toFixed(a >= 1e5 ? 0 : 1) + 'k';
    if (a >= 100) return v.toFixed(0);
    if (a >= 1) return v.toFixed(a >= 10 ? 1 : 2).replace(/\.?0+$/, '');
    if (a === 0) return '0';
    return v.toPrecision(2);
  }

  function bandsHook(spec) {
    return function (u) {
      if (!spec.bands || !spec.bands.length) return;
      var ctx = u.ctx, top = u.bbox.top, h = u.bbox.height;
      ctx.save();
      ctx.fillStyle = 'rgba(230,159,0,0.22)';
      ctx.strokeStyle = 'rgba(230,159,0,0.9)';
      spec.bands.forEach(function (b) {
        var x0 = u.valToPos(b[0], 'x', true), x1 = u.valToPos(b[1], 'x', true);
        ctx.fillRect(x0, top, Math.max(1, x1 - x0), h);
        ctx.beginPath(); ctx.moveTo(x0, top); ctx.lineTo(x0, top + h); ctx.stroke();
      });
      ctx.restore();
    };
  }

  // Overlays drawn after the series: vertical marks (spec.marks: [{x, label, color}], e.g. the recommended width),
  // interval whiskers (series.lo / series.hi aligned on x: bootstrap intervals of a mean over repeats) and
  // polylines in a given order (series.path: [[x, y, label]], e.g. the latency-vs-throughput curve in width order).
  function overlayHook(spec) {
    return function (u) {
      var ctx = u.ctx, top = u.bbox.top, h = u.bbox.height, px = (window.devicePixelRatio || 1);
      ctx.save();
      ctx.setLineDash([]); // uPlot leaves its last series' dash on the context
      ctx.font = (11 * px) + 'px sans-serif';
      (spec.marks || []).forEach(function (m) {
        var x = u.valToPos(m.x, 'x', true);
        if (!isFinite(x)) return;
        ctx.strokeStyle = m.color || '#000'; ctx.fillStyle = m.color || '#000';
        ctx.lineWidth = 1.5 * px; ctx.setLineDash([6 * px, 3 * px]);
        ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, top + h); ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillText(m.label || '', x + 4 * px, top + 12 * px);
      });
      spec.series.forEach(function (s, i) {
        var scale = s.scale || 'y';
        if (s.lo && s.hi) {
          ctx.strokeStyle = s.color; ctx.lineWidth = 1.5 * px;
          for (var k = 0; k < spec.x.length; k++) {
            if (s.lo[k] == null || s.hi[k] == null) continue;
            var x = u.valToPos(spec.x[k], 'x', true), y0 = u.valToPos(s.lo[k], scale, true), y1 = u.valToPos(s.hi[k], scale, true);
            ctx.beginPath(); ctx.moveTo(x, y0); ctx.lineTo(x, y1);
            ctx.moveTo(x - 4 * px, y0); ctx.lineTo(x + 4 * px, y0); ctx.moveTo(x - 4 * px, y1); ctx.lineTo(x + 4 * px, y1);
            ctx.stroke();
          }
        }
        if (s.path && u.series[i + 1] && u.series[i + 1].show !== false) {
          ctx.strokeStyle = s.color; ctx.fillStyle = s.color; ctx.lineWidth = (s.width || 2) * px;
          if (s.dash) ctx.setLineDash(s.dash.map(function (d) { return d * px; }));
          ctx.beginPath();
          s.path.forEach(function (p, j) {
            var x = u.valToPos(p[0], 'x', true), y = u.valToPos(p[1], scale, true);
            if (j === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
          });
          ctx.stroke(); ctx.setLineDash([]);
          if (s.pathLabels) s.path.forEach(function (p) {
            if (p[2]) ctx.fillText(p[2], u.valToPos(p[0], 'x', true) + 5 * px, u.valToPos(p[1], scale, true) - 5 * px);
          });
        }
      });
      ctx.restore();
    };
  }

  function draw(spec) {
    var el = document.getElementById(spec.id);
    if (!el) throw new Error('no element for chart ' + spec.id);
    var width = Math.max(320, Math.floor(el.getBoundingClientRect().width || el.clientWidth || 600));
    var yDistr = spec.log ? 3 : 1;
    var scales = { x: { time: false }, y: { distr: yDistr } };
    if (spec.xLog) scales.x = { time: false, distr: 3, log: 2 };
    if (spec.yRange) scales.y.range = function () { return spec.yRange; };
    else if (!spec.log) scales.y.range = function (u, min, max) { return [0, max > 0 ? max * 1.08 : 1]; };
    var axes = [
      { label: spec.xLabel, values: function (u, vals) { return vals.map(fmtNum); } },
      { label: spec.yLabel, size: 62, values: function (u, vals) { return vals.map(fmtNum); } }
    ];
    if (spec.y2Label) {
      scales.y2 = { distr: spec.y2Log ? 3 : 1 };
      if (!spec.y2Log) scales.y2.range = function (u, min, max) { return [0, max > 0 ? max * 1.08 : 1]; };
      axes.push({ scale: 'y2', side: 1, label: spec.y2Label, size: 62, grid: { show: false },
                  values: function (u, vals) { return vals.map(fmtNum); } });
    }
    var series = [{ label: spec.xLabel, value: function (u, v) { return v == null ? '' : fmtNum(v); } }];
    var data = [spec.x];
    spec.series.forEach(function (s) {
      var vals = s.values.map(function (v) { return v == null || (spec.log && !(s.scale === 'y2') && v <= 0) ? null : v; });
      var ser = { label: s.label, stroke: s.color, width: s.width || 2, spanGaps: true, scale: s.scale || 'y',
                  value: function (u, v) { return v == null ? '' : fmtNum(v) + (s.unit ? ' ' + s.unit : ''); } };
      if (s.dash) ser.dash = s.dash;
      if (s.points) ser.points = { show: true, size: 7, fill: s.color, stroke: s.color };
      else ser.points = { show: false };
      if ((s.points && s.noLine) || s.path) ser.paths = function () { return null; };
      series.push(ser);
      data.push(vals);
    });
    var opts = { title: spec.title, width: width, height: spec.height || 280, scales: scales, axes: axes,
                 series: series, legend: { live: true }, cursor: { drag: { x: true, y: false } },
                 hooks: { drawClear: [bandsHook(spec)], draw: [overlayHook(spec)] } };
    plots.push({ u: new uPlot(opts, data, el), el: el, height: opts.height });
  }

  // keep charts as wide as their container: on window resize and when the page is laid out for print
  var plots = [];
  function resizeAll() {
    plots.forEach(function (p) {
      var w = Math.max(240, Math.floor(p.el.getBoundingClientRect().width));
      if (w !== p.u.width) p.u.setSize({ width: w, height: p.height });
    });
  }
  var resizeTimer = null;
  window.addEventListener('resize', function () { clearTimeout(resizeTimer); resizeTimer = setTimeout(resizeAll, 150); });
  window.addEventListener('beforeprint', resizeAll);
  window.addEventListener('afterprint', resizeAll);
  if (window.matchMedia) {
    var mq = window.matchMedia('print');
    if (mq.addEventListener) mq.addEventListener('change', resizeAll);
  }

  function sortable(table) {
    var ths = table.querySelectorAll('thead th');
    ths.forEach(function (th, idx) {
      th.addEventListener('click', function () {
        var asc = !th.classList.contains('sorted-asc');
        ths.forEach(function (o) { o.classList.remove('sorted-asc', 'sorted-desc'); });
        th.classList.add(asc ? 'sorted-asc' : 'sorted-desc');
        var tbody = table.tBodies[0];
        var rows = Array.prototype.slice.call(tbody.rows);
        rows.sort(function (a, b) {
          var ca = a.cells[idx], cb = b.cells[idx];
          var va = ca ? (ca.getAttribute('data-v') || ca.textContent) : '', vb = cb ? (cb.getAttribute('data-v') || cb.textContent) : '';
          var na = parseFloat(va), nb = parseFloat(vb);
          var r = (!isNaN(na) && !isNaN(nb)) ? na - nb : va.localeCompare(vb, undefined, { numeric: true });
          return asc ? r : -r;
        });
        rows.forEach(function (r) { tbody.appendChild(r); });
      });
    });
  }

  var specs = JSON.parse(document.getElementById('fanlab-data').textContent).charts;
  body.setAttribute('data-charts-expected', String(specs.length));
  var drawn = 0;
  specs.forEach(function (spec) {
    try { draw(spec); drawn++; } catch (e) { fail('chart ' + spec.id + ': ' + (e && e.message || e)); }
  });
  body.setAttribute('data-charts-drawn', String(drawn));
  document.querySelectorAll('table.sortable').forEach(sortable);
  if (!body.hasAttribute('data-errors')) body.setAttribute('data-errors', '0');
})();
