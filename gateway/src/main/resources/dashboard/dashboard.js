// Meridian global dashboard: draws the map once from the shipped TopoJSON, then renders every
// state the gateway pushes over server-sent events (falling back to polling /dashboard/api/state).
(function () {
  'use strict';

  var W = 1000, NORTH = 84, SOUTH = -58, K = W / 360;
  var SVG_NS = 'http://www.w3.org/2000/svg';

  // Equirectangular projection, cropped to the inhabited latitudes.
  function project(lon, lat) {
    return [(lon + 180) * K, (NORTH - Math.max(SOUTH, Math.min(NORTH, lat))) * K];
  }

  function esc(value) {
    return String(value == null ? '' : value).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  // --- map ----------------------------------------------------------------------------------
  function decodeArcs(topology) {
    var t = topology.transform;
    return topology.arcs.map(function (arc) {
      var x = 0, y = 0;
      return arc.map(function (p) {
        x += p[0]; y += p[1];
        return t ? [x * t.scale[0] + t.translate[0], y * t.scale[1] + t.translate[1]] : [p[0], p[1]];
      });
    });
  }

  function ringPath(ring, arcs) {
    var points = [];
    ring.forEach(function (index, i) {
      var arc = index >= 0 ? arcs[index] : arcs[~index].slice().reverse();
      points = points.concat(i === 0 ? arc : arc.slice(1));
    });
    var d = '', previous = null;
    points.forEach(function (p) {
      var xy = project(p[0], p[1]);
      // A ring that wraps around the antimeridian is split rather than drawn across the map.
      d += (previous === null || Math.abs(xy[0] - previous[0]) > W / 2 ? 'M' : 'L')
          + xy[0].toFixed(1) + ',' + xy[1].toFixed(1);
      previous = xy;
    });
    return d + 'Z';
  }

  function drawMap(topology) {
    var arcs = decodeArcs(topology);
    var group = document.getElementById('map-countries');
    var html = '';
    topology.objects.countries.geometries.forEach(function (g) {
      var polygons = g.type === 'Polygon' ? [g.arcs] : g.type === 'MultiPolygon' ? g.arcs : [];
      var d = polygons.map(function (rings) {
        return rings.map(function (ring) { return ringPath(ring, arcs); }).join('');
      }).join('');
      if (d && (g.properties || {}).name !== 'Antarctica') {
        html += '<path class="country" d="' + d + '"><title>' + esc((g.properties || {}).name) + '</title></path>';
      }
    });
    group.innerHTML = html;
  }

  function drawTraffic(countries) {
    var max = countries.reduce(function (m, c) { return Math.max(m, c.requests); }, 1);
    document.getElementById('map-traffic').innerHTML = countries.filter(function (c) {
      return c.latitude != null;
    }).map(function (c) {
      var xy = project(c.longitude, c.latitude);
      var r = 3 + 14 * Math.sqrt(c.requests / max);
      return '<circle class="traffic" cx="' + xy[0].toFixed(1) + '" cy="' + xy[1].toFixed(1) + '" r="' + r.toFixed(1)
          + '"><title>' + esc(c.code) + ': ' + c.requests + ' requests</title></circle>';
    }).join('');
    document.getElementById('countries').innerHTML = countries.slice(0, 12).map(function (c) {
      return '<li><span>' + esc(c.code) + '</span><b>' + fmtInt(c.requests) + '</b></li>';
    }).join('');
  }

  var COLORS = { healthy: 'var(--green)', degraded: 'var(--amber)', down: 'var(--red)', drained: 'var(--grey)' };

  function drawRegions(regions) {
    document.getElementById('map-regions').innerHTML = regions.map(function (r) {
      var xy = project(r.longitude, r.latitude), color = COLORS[r.status] || 'var(--grey)';
      return '<g class="region-marker" data-region="' + esc(r.id) + '" data-status="' + esc(r.status) + '">'
          + '<circle class="region-halo" cx="' + xy[0] + '" cy="' + xy[1] + '" r="14" stroke="' + color + '"/>'
          + '<circle class="region-dot" cx="' + xy[0] + '" cy="' + xy[1] + '" r="8" fill="' + color + '"/>'
          + '<text class="region-label" x="' + (xy[0] + 16) + '" y="' + (xy[1] + 4) + '">' + esc(r.id) + '</text></g>';
    }).join('');
  }

  // --- cards --------------------------------------------------------------------------------
  function fmtInt(n) { return n == null ? '–' : Math.round(n).toLocaleString('en-US'); }
  function fmtMs(n) { return n == null ? '–' : n < 10 ? n.toFixed(1) : Math.round(n).toString(); }
  function fmtRate(n) { return n == null ? '–' : n < 10 ? n.toFixed(1) : Math.round(n).toString(); }
  function clock(ms) { return new Date(ms).toISOString().substring(11, 19); }

  function sparkline(values, cls) {
    var w = 120, h = 28;
    if (!values || values.length < 2) {
      return '<svg class="spark ' + cls + '" viewBox="0 0 ' + w + ' ' + h + '"></svg>';
    }
    var max = Math.max.apply(null, values.concat([1]));
    var step = w / (values.length - 1);
    var pts = values.map(function (v, i) {
      return (i * step).toFixed(1) + ',' + (h - 2 - (v / max) * (h - 4)).toFixed(1);
    });
    return '<svg class="spark ' + cls + '" viewBox="0 0 ' + w + ' ' + h + '" preserveAspectRatio="none">'
        + '<polygon class="area" points="0,' + h + ' ' + pts.join(' ') + ' ' + w + ',' + h + '"/>'
        + '<polyline class="line" points="' + pts.join(' ') + '"/><title>max ' + max + '</title></svg>';
  }

  function stat(key, value, cls) {
    return '<div class="stat"><div class="k">' + key + '</div><div class="v ' + (cls || '') + '">' + value + '</div></div>';
  }

  function queueRow(q, region) {
    var s = q.sample, h = q.history;
    return '<tr data-queue="' + esc(s.name) + '">'
        + '<td class="name">' + esc(s.name) + (s.paused ? '<span class="badge">paused</span>' : '')
        + '<small>' + esc(s.model) + '</small></td>'
        + '<td class="depth">' + fmtInt(s.depth) + ' / ' + fmtInt(s.maxDepth) + '</td>'
        + '<td class="in-flight">' + fmtInt(s.inFlight) + '</td>'
        + '<td class="workers">' + s.workers.current + ' <small>(' + s.workers.min + '–' + s.workers.max + ')</small></td>'
        + '<td class="completed">' + fmtInt(s.completed) + '</td>'
        + '<td class="failed ' + (s.failed ? 'nonzero-bad' : '') + '">' + fmtInt(s.failed) + '</td>'
        + '<td class="retried">' + fmtInt(s.retried) + '</td>'
        + '<td class="dead-lettered ' + (s.deadLettered ? 'nonzero-bad' : '') + '">' + fmtInt(s.deadLettered) + '</td>'
        + '<td class="chart">' + sparkline(h.depth.map(function (d, i) { return d + h.inFlight[i]; }), 'load') + '</td>'
        + '<td class="chart">' + sparkline(h.completed, 'done') + '</td>'
        + '<td class="controls needs-token">'
        + '<button type="button" data-action="' + (s.paused ? 'resume' : 'pause') + '" data-queue="' + esc(s.name) + '">'
        + (s.paused ? 'Resume' : 'Pause') + '</button>'
        + '<button type="button" data-action="resize" data-queue="' + esc(s.name) + '" data-min="' + s.workers.min
        + '" data-max="' + s.workers.max + '">Workers…</button></td></tr>';
  }

  function regionCard(r) {
    var circuitCls = r.circuit === 'CLOSED' ? 'good' : r.circuit === 'HALF_OPEN' ? 'warn' : 'bad';
    var alert = '';
    if (!r.reachable) {
      alert = '<div class="alert" data-role="unreachable">Unreachable since ' + clock(r.unreachableSince) + ' UTC'
          + '<small>' + esc(r.error) + '</small></div>';
    } else if (r.drained) {
      alert = '<div class="alert" style="background:rgba(110,118,129,.18);color:#c9d1d9">Drained: no new work is sent here;'
          + ' requests for its tasks still reach it</div>';
    } else if (r.incompatibleProtocol != null) {
      alert = '<div class="alert" data-role="incompatible">Incompatible version: the region speaks protocol '
          + esc(String(r.incompatibleProtocol)) + '.x, this gateway another; no traffic is sent here</div>';
    } else if (!r.healthy) {
      alert = '<div class="alert">Health checks failing: no new traffic is sent here</div>';
    }
    return '<article class="card ' + esc(r.status) + '" data-region="' + esc(r.id) + '" data-status="' + esc(r.status) + '">'
        + '<div class="card-head"><h2>' + esc(r.name) + '</h2><span class="id">' + esc(r.id) + '</span>'
        + '<span class="pill ' + esc(r.status) + '">' + (r.reachable ? esc(r.status) : 'unreachable') + '</span>'
        + '<button type="button" class="needs-token" data-action="' + (r.drained ? 'undrain' : 'drain') + '">'
        + (r.drained ? 'Undrain' : 'Drain') + '</button></div>'
        + alert
        + '<div class="stats">'
        + stat('health', r.healthy ? 'up' : 'down', r.healthy ? 'good' : 'bad')
        + stat('circuit', esc(r.circuit.toLowerCase().replace('_', '-')), circuitCls)
        + stat('req/s', fmtRate(r.requestsPerSecond))
        + stat('p50 / p99 ms', fmtMs(r.p50Millis) + ' / ' + fmtMs(r.p99Millis))
        + stat('in flight', fmtInt(r.inFlight))
        + stat('fail-overs out / in', fmtInt(r.failoversOut) + ' / ' + fmtInt(r.failoversIn), r.failoversOut ? 'warn' : '')
        // A keyed request sent on after the region owning its key was gone: it may have run twice.
        + stat('duplicates out / in', fmtInt(r.duplicatesOut) + ' / ' + fmtInt(r.duplicatesIn),
            r.duplicatesOut || r.duplicatesIn ? 'warn' : '')
        + stat('version', esc(r.version || '–'))
        + '</div>'
        + '<table class="queues"><thead><tr><th>queue</th><th>depth</th><th>in flight</th><th>workers</th>'
        + '<th>completed</th><th>failed</th><th>retried</th><th>dead</th><th>backlog</th><th>done / poll</th><th class="needs-token"></th></tr></thead>'
        + '<tbody>' + (r.queues.length ? r.queues.map(function (q) { return queueRow(q, r.id); }).join('')
            : '<tr><td colspan="10">no queue figures yet</td></tr>') + '</tbody></table>'
        + '</article>';
  }

  function drawFailures(failures) {
    // The public state lists no failed tasks (their ids and tenants are the admin token's to see).
    if (!token) {
      document.getElementById('failures').innerHTML =
          '<tr><td colspan="8" class="empty">the admin token lists failed tasks (Admin, top right)</td></tr>';
      return;
    }
    document.getElementById('failures').innerHTML = failures.length ? failures.map(function (f) {
      var error = f.error || {};
      return '<tr data-task="' + esc(f.id) + '">'
          + '<td class="mono">' + (f.finishedAt ? esc(f.finishedAt.substring(11, 19)) : '–') + '</td>'
          + '<td>' + esc(f.region) + '</td><td>' + esc(f.queue) + '</td>'
          + '<td>' + esc(f.tenant || '–') + '</td>'
          + '<td class="mono">' + esc(f.id) + '</td>'
          + '<td class="state-' + esc(f.status) + '">' + esc(f.status.replace('_', '-')) + '</td>'
          + '<td class="mono">' + f.attempts + '</td>'
          + '<td><span class="mono">' + esc(error.error || '') + '</span> ' + esc(error.message || '') + '</td></tr>';
    }).join('') : '<tr><td colspan="8" class="empty">none</td></tr>';
  }

  function render(state) {
    var regions = state.regions || [];
    drawFailures(state.failures || []);
    drawRegions(regions);
    drawTraffic(state.countries || []);
    document.getElementById('regions').innerHTML = regions.map(regionCard).join('');
    var up = regions.filter(function (r) { return r.status === 'healthy'; }).length;
    var down = regions.filter(function (r) { return r.status === 'down'; }).length;
    var rps = regions.reduce(function (s, r) { return s + (r.requestsPerSecond || 0); }, 0);
    var depth = regions.reduce(function (s, r) {
      return s + r.queues.reduce(function (t, q) { return t + q.sample.depth; }, 0);
    }, 0);
    document.getElementById('summary').innerHTML =
        '<span><b>' + up + '</b> / ' + regions.length + ' healthy</span>'
        + (down ? '<span style="color:var(--red)"><b style="color:var(--red)">' + down + '</b> down</span>' : '')
        + '<span><b>' + fmtRate(rps) + '</b> req/s</span>'
        + '<span><b>' + fmtInt(depth) + '</b> queued</span>'
        + (state.spend ? '<span class="spend spend-' + state.spend.state + '" title="spend rate against the ceiling'
            + ' (meridian.pricing.ceiling): hold stops the pools growing, over refuses low-priority tenants">spend <b>'
            + state.spend.perHour + '</b> / ' + state.spend.ceilingPerHour + ' ' + state.spend.currency + '/h '
            + state.spend.state + '</span>' : '')
        + (state.at ? '<span>updated <b>' + clock(state.at) + '</b> UTC</span>' : '');
  }

  function live(on, text) {
    var el = document.getElementById('live');
    el.className = 'live ' + (on ? 'on' : 'off');
    document.getElementById('live-text').textContent = text;
  }

  // With the admin token the page polls the state with it (an EventSource cannot send it), which
  // adds the failed tasks; without, it follows the public event stream.
  var source = null;
  var pollTimer = null;

  function poll() {
    var headers = token ? { 'Authorization': 'Bearer ' + token } : {};
    fetch('/dashboard/api/state', { headers: headers })
        .then(function (r) {
          if (r.status === 401) { setToken(null); throw new Error('unauthorized'); }
          return r.json();
        })
        .then(function (s) { render(s); live(true, token ? 'polling (admin)' : 'polling'); })
        .catch(function () { live(false, 'gateway not answering'); });
  }

  function connect() {
    if (source) { source.close(); source = null; }
    if (pollTimer) { clearInterval(pollTimer); pollTimer = null; }
    if (token || !window.EventSource) {
      poll();
      pollTimer = setInterval(poll, 2000);
      return;
    }
    source = new EventSource('/dashboard/api/events');
    source.addEventListener('state', function (e) { render(JSON.parse(e.data)); live(true, 'live'); });
    source.onerror = function () { live(false, 'reconnecting…'); };
  }

  // --- control actions (behind the admin token, kept in this page's memory only) -------------
  var token = null;

  function toast(text, good) {
    var el = document.getElementById('toast');
    el.textContent = text;
    el.className = 'toast show ' + (good ? 'good' : 'bad');
    clearTimeout(toast.timer);
    toast.timer = setTimeout(function () { el.className = 'toast'; }, 4000);
  }

  function act(method, path, body, done) {
    var headers = { 'Authorization': 'Bearer ' + token };
    if (body) { headers['Content-Type'] = 'application/json'; }
    fetch(path, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined })
        .then(function (r) {
          return r.text().then(function (text) {
            var json = {};
            try { json = text ? JSON.parse(text) : {}; } catch (e) { json = { message: text }; }
            if (r.ok) {
              toast(done, true);
              poll();
            } else {
              toast(r.status + ': ' + (json.message || json.error || 'failed'), false);
              if (r.status === 401) { setToken(null); }
            }
          });
        })
        .catch(function () { toast('the gateway did not answer', false); });
  }

  function setToken(value) {
    var changed = (value || null) !== token;
    token = value || null;
    document.body.classList.toggle('admin-on', !!token);
    document.getElementById('admin-token').textContent = token ? 'Admin ✓' : 'Admin';
    if (changed) { connect(); }
  }

  document.addEventListener('click', function (e) {
    var button = e.target.closest('button[data-action]');
    if (!button) { return; }
    var action = button.getAttribute('data-action');
    var card = button.closest('article.card');
    var region = card && card.getAttribute('data-region');
    var queue = button.getAttribute('data-queue');
    var base = '/dashboard/api/regions/' + encodeURIComponent(region || '');
    if (action === 'token') {
      setToken(token ? null : window.prompt('Admin token (kept in this page only; see $MERIDIAN_HOME/admin-token):'));
    } else if (action === 'drain' || action === 'undrain') {
      if (action === 'undrain' || window.confirm('Drain ' + region + '? The gateway sends it no new work.')) {
        act('POST', base + '/' + action, null, region + (action === 'drain' ? ' drained' : ' undrained'));
      }
    } else if (action === 'pause' || action === 'resume') {
      act('POST', base + '/queues/' + encodeURIComponent(queue) + '/' + action, null,
          region + ' / ' + queue + (action === 'pause' ? ' paused' : ' resumed'));
    } else if (action === 'resize') {
      var answer = window.prompt('Workers for ' + region + ' / ' + queue + ' as min,max',
          button.getAttribute('data-min') + ',' + button.getAttribute('data-max'));
      if (answer) {
        var parts = answer.split(',').map(function (p) { return parseInt(p.trim(), 10); });
        act('PUT', base + '/queues/' + encodeURIComponent(queue) + '/workers', { min: parts[0], max: parts[1] },
            region + ' / ' + queue + ' workers ' + parts[0] + '–' + parts[1]);
      }
    } else if (action === 'cancel-task') {
      var id = window.prompt('Task id to cancel (e.g. eu-central.01JD3X9K2M…):');
      if (id) {
        act('DELETE', '/dashboard/api/tasks/' + encodeURIComponent(id.trim()), null, 'task ' + id.trim() + ' cancelled');
      }
    }
  });

  fetch('/dashboard/assets/countries-110m.json').then(function (r) { return r.json(); }).then(drawMap)
      .catch(function () { /* the map is decoration; the cards still work */ });
  poll();
  connect();
})();
