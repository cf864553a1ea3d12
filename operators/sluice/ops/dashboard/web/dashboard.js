// The page of one sink.dashboard: reads the sink's state from
// /d/<id>/state once, then follows /d/<id>/events (Server-Sent Events, the
// newest state at most four times a second) and draws it.
//
// Record text only ever reaches the page through textContent and
// attributes set by the DOM API: never as HTML.
(function () {
  'use strict';

  var body = document.body;
  var id = body.dataset.id;
  var view = document.getElementById('view');
  var statusBadge = document.getElementById('status');
  var updated = document.getElementById('updated');
  var count = document.getElementById('count');
  var source = document.getElementById('source');

  var palette = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2',
                 '#db2777', '#65a30d', '#475569', '#ea580c', '#0d9488', '#9333ea'];

  var last = null;      // the state drawn last
  var chart = null;     // the Chart.js chart, for line and bar
  var connected = false;

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function clock(ms) {
    var d = new Date(ms);
    function two(n) { return (n < 10 ? '0' : '') + n; }
    return two(d.getHours()) + ':' + two(d.getMinutes()) + ':' + two(d.getSeconds());
  }

  // Event time on the axes, in UTC as Sluice writes timestamps.
  function eventClock(ms) {
    return new Date(ms).toISOString().substring(11, 19);
  }

  function cellText(v) {
    if (v === null || v === undefined) return '';
    return String(v);
  }

  function readable(v) {
    if (v === null || v === undefined) return '–';
    if (typeof v !== 'number') return String(v);
    if (Number.isInteger(v)) return v.toLocaleString('en-US');
    var a = Math.abs(v);
    if (a >= 1000) return v.toLocaleString('en-US', { maximumFractionDigits: 1 });
    return String(Number(v.toPrecision(4)));
  }

  function plural(n, word) {
    return n.toLocaleString('en-US') + ' ' + word + (n === 1 ? '' : 's');
  }

  function drawStatus(s) {
    var text = s.status, kind = s.status;
    if (!connected && last) {
      kind = 'disconnected';
      text = s.status === 'ended' ? 'ended' : 'disconnected: showing the last state';
    } else if (s.status === 'waiting') {
      text = 'waiting for records';
    } else if (s.status === 'stalled') {
      text = 'stalled since ' + clock(s.last_record_ms);
    } else if (s.status === 'ended') {
      text = 'ended' + (s.finished_ms ? ' at ' + clock(s.finished_ms) : '');
    } else if (s.status === 'stopped') {
      text = 'stopped' + (s.finished_ms ? ' at ' + clock(s.finished_ms) : '');
    }
    statusBadge.className = 'badge ' + kind;
    statusBadge.textContent = text;
    updated.textContent = s.last_record_ms ? 'last update ' + clock(s.last_record_ms)
                                           : 'no records yet';
    count.textContent = plural(s.records, 'record');
    source.textContent = s.time_field && s.chart !== 'table' && s.chart !== 'bar'
      ? 'event time: ' + s.time_field : '';
  }

  // ---- table: the latest records, newest first ----
  function drawTable(s) {
    var table = view.querySelector('table.records');
    if (!table) {
      view.textContent = '';
      table = el('table', 'records');
      var head = el('thead');
      var tr = el('tr');
      s.fields.forEach(function (f) { tr.appendChild(el('th', null, f)); });
      head.appendChild(tr);
      table.appendChild(head);
      table.appendChild(el('tbody'));
      view.appendChild(table);
    }
    var tbody = el('tbody');
    s.rows.forEach(function (row) {
      var tr = el('tr');
      row.forEach(function (v) {
        tr.appendChild(el('td', typeof v === 'number' ? 'num' : null, cellText(v)));
      });
      tbody.appendChild(tr);
    });
    table.replaceChild(tbody, table.tBodies[0]);
    var ths = table.tHead.rows[0].cells;
    if (s.rows.length) {
      s.rows[0].forEach(function (v, i) {
        if (ths[i]) ths[i].className = typeof v === 'number' ? 'num' : '';
      });
    }
  }

  // The latest values as a table under a chart: readable without the
  // canvas (screen readers, text browsers, tests).
  function latestTable(caption, header, rows) {
    var table = el('table', 'latest');
    table.appendChild(el('caption', null, caption));
    var head = el('thead'), tr = el('tr');
    header.forEach(function (h, i) { tr.appendChild(el('th', i > 0 ? 'num' : null, h)); });
    head.appendChild(tr);
    table.appendChild(head);
    var tbody = el('tbody');
    rows.forEach(function (r) {
      var row = el('tr');
      r.cells.forEach(function (c, i) {
        var td = el('td', i > 0 ? 'num' : null);
        if (i === 0 && r.color) {
          var sw = el('span', 'swatch');
          sw.style.background = r.color;
          td.appendChild(sw);
        }
        td.appendChild(document.createTextNode(c));
        row.appendChild(td);
      });
      tbody.appendChild(row);
    });
    table.appendChild(tbody);
    return table;
  }

  function chartBox(label) {
    view.textContent = '';
    var box = el('div', 'canvas-box');
    var canvas = el('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', label);
    box.appendChild(canvas);
    view.appendChild(box);
    var latest = el('div', 'latest-box');
    view.appendChild(latest);
    return canvas;
  }

  function replaceLatest(table) {
    var box = view.querySelector('.latest-box');
    box.textContent = '';
    box.appendChild(table);
  }

  var axisStyle = {
    grid: { color: '#eef0f3' },
    ticks: { color: '#616e7c' }
  };

  // ---- line: numeric fields over event time, a series per key ----
  function drawLine(s) {
    if (typeof Chart === 'undefined') return noChartJs();
    if (!chart) {
      var canvas = chartBox('line chart of ' + s.fields.join(', '));
      chart = new Chart(canvas, {
        type: 'line',
        data: { datasets: [] },
        options: {
          animation: false,
          parsing: false,
          maintainAspectRatio: false,
          interaction: { mode: 'nearest', intersect: false },
          plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
          scales: {
            x: Object.assign({ type: 'linear',
                               title: { display: !!s.time_field,
                                        text: (s.time_field || 'arrival') + ' (UTC)' },
                               ticks: { color: '#616e7c', maxRotation: 0,
                                        callback: function (v) { return eventClock(v); } } },
                             { grid: axisStyle.grid }),
            y: Object.assign({ beginAtZero: false }, axisStyle)
          }
        }
      });
    }
    chart.data.datasets = s.series.map(function (series, i) {
      var color = palette[i % palette.length];
      return {
        label: series.name,
        data: series.points.map(function (p) { return { x: p[0], y: p[1] }; }),
        borderColor: color,
        backgroundColor: color,
        borderWidth: 2,
        pointRadius: 0,
        tension: 0.2
      };
    });
    // the axis spans the data, not the next round tick
    var lo = Infinity, hi = -Infinity;
    s.series.forEach(function (series) {
      series.points.forEach(function (p) { lo = Math.min(lo, p[0]); hi = Math.max(hi, p[0]); });
    });
    chart.options.scales.x.min = lo < hi ? lo : undefined;
    chart.options.scales.x.max = lo < hi ? hi : undefined;
    chart.update('none');
    replaceLatest(latestTable('Latest values', ['series', 'value', 'at (UTC)'],
      s.series.map(function (series, i) {
        var p = series.points[series.points.length - 1];
        return { color: palette[i % palette.length],
                 cells: [series.name, p ? readable(p[1]) : '–', p ? eventClock(p[0]) : ''] };
      })));
  }

  // ---- bar: the latest value per key ----
  function drawBar(s) {
    if (typeof Chart === 'undefined') return noChartJs();
    if (!chart) {
      var canvas = chartBox('bar chart of ' + s.fields.join(', ') + ' by ' + s.key);
      chart = new Chart(canvas, {
        type: 'bar',
        data: { labels: [], datasets: [] },
        options: {
          animation: false,
          maintainAspectRatio: false,
          plugins: { legend: { display: s.fields.length > 1, position: 'bottom' } },
          scales: {
            x: { grid: { display: false }, ticks: { color: '#616e7c' } },
            y: Object.assign({ beginAtZero: true }, axisStyle)
          }
        }
      });
    }
    chart.data.labels = s.bars.map(function (b) { return b.key; });
    chart.data.datasets = s.fields.map(function (f, i) {
      return {
        label: f,
        data: s.bars.map(function (b) { return b.values[i]; }),
        backgroundColor: palette[i % palette.length],
        borderRadius: 3
      };
    });
    chart.update('none');
    replaceLatest(latestTable('Latest values by ' + s.key, [s.key].concat(s.fields),
      s.bars.map(function (b) {
        return { cells: [b.key].concat(b.values.map(readable)) };
      })));
  }

  // ---- number: one big value, its change and its trend ----
  function drawNumber(s) {
    var box = view.querySelector('.number');
    if (!box) {
      view.textContent = '';
      box = el('div', 'number');
      box.appendChild(el('div', 'field', s.field));
      box.appendChild(el('div', 'value'));
      box.appendChild(el('div', 'trend'));
      var svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
      svg.setAttribute('viewBox', '0 0 100 30');
      svg.setAttribute('preserveAspectRatio', 'none');
      svg.setAttribute('aria-hidden', 'true');
      svg.appendChild(document.createElementNS('http://www.w3.org/2000/svg', 'polyline'));
      box.appendChild(svg);
      view.appendChild(box);
    }
    var value = box.querySelector('.value');
    value.textContent = readable(s.value);
    value.setAttribute('data-value', s.value === null ? '' : String(s.value));
    value.setAttribute('aria-label', s.field + ' ' + cellText(s.value));
    var trend = box.querySelector('.trend');
    if (s.value !== null && s.previous !== null) {
      var d = s.value - s.previous;
      trend.className = 'trend ' + (d > 0 ? 'up' : d < 0 ? 'down' : 'flat');
      trend.textContent = (d > 0 ? '▲ +' : d < 0 ? '▼ ' : '= ') + readable(d) +
                          ' vs previous (' + readable(s.previous) + ')';
    } else {
      trend.className = 'trend';
      trend.textContent = '';
    }
    var pts = s.points;
    var line = box.querySelector('polyline');
    if (pts.length < 2) {
      line.setAttribute('points', '');
      return;
    }
    var lo = Infinity, hi = -Infinity;
    pts.forEach(function (p) { lo = Math.min(lo, p[1]); hi = Math.max(hi, p[1]); });
    var span = hi - lo || 1;
    line.setAttribute('points', pts.map(function (p, i) {
      var x = (i / (pts.length - 1)) * 100;
      var y = 28 - ((p[1] - lo) / span) * 26;
      return x.toFixed(2) + ',' + y.toFixed(2);
    }).join(' '));
  }

  function noChartJs() {
    view.textContent = 'Chart.js did not load (/assets/chart.min.js).';
  }

  function draw(s) {
    last = s;
    drawStatus(s);
    if (s.chart === 'table') drawTable(s);
    else if (s.chart === 'line') drawLine(s);
    else if (s.chart === 'bar') drawBar(s);
    else if (s.chart === 'number') drawNumber(s);
  }

  if (typeof Chart !== 'undefined') {
    Chart.defaults.font.family = getComputedStyle(body).fontFamily;
    Chart.defaults.color = '#1f2933';
  }

  var base = '/d/' + encodeURIComponent(id);
  fetch(base + '/state', { cache: 'no-store' })
    .then(function (r) { return r.json(); })
    .then(function (s) { connected = true; if (!last) draw(s); })
    .catch(function () {});

  // ?seconds=N (scripts, headless browsers): the server ends the stream
  // after N s with an `end` event, and the page keeps what it has.
  var seconds = new URLSearchParams(location.search).get('seconds');
  var received = 0;
  var events = new EventSource(base + '/events' +
                               (seconds ? '?seconds=' + encodeURIComponent(seconds) : ''));
  events.onopen = function () { connected = true; };
  events.onmessage = function (e) {
    connected = true;
    view.setAttribute('data-events', String(++received));
    draw(JSON.parse(e.data));
  };
  events.addEventListener('end', function () { events.close(); });
  events.onerror = function () {
    connected = false;
    if (last) drawStatus(last);
  };
})();
