#!/usr/bin/env python3
# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.

"""The report in a headless browser: screenshots and an overflow check.

Renders a report of generated runs (unit_tests/report_runs.py: copies of
recorded results; 12 of floating_ip_dns with one failure and a setting
changed, 10 of servers_dns, the recorded fault matrix), opens it in
headless Chromium at 800 x 2000 px and

- saves a screenshot at the overview, the failure and the trends
  (``overview.png``, ``failure.png``, ``trends.png`` in ``--out``);
- checks each PNG is 800 x 2000 and not blank (more than a few colours);
- checks the page has no horizontal overflow at 800 px: the document is
  no wider than the viewport, and no element reaches past its right edge
  outside a box that scrolls or clips it (offenders are named);
- checks each anchor exists and, scrolled to, starts below the sticky
  header.

  .venv-unit/bin/python tools/report_screenshots.py [--out DIR]
      [--chromium /usr/bin/chromium] [--page FILE]

``--page`` checks a given HTML file instead (no screenshots). Exit codes:
0 all checks passed, 1 a check failed (listed), 2 Chromium missing.

Why the DevTools protocol (over ``--remote-debugging-pipe``, stdlib
only) and not ``chromium --screenshot=PNG URL#anchor``: Chromium 156's
headless ``--screenshot`` of a URL with a fragment scrolls to it and
captures a blank image (one colour; measured 2026-12-02), and a
``--dump-dom`` cannot say what the layout measured. Chromium runs with
its own temporary profile and every host name resolving to nothing: the
page is a local file and nothing else is fetched.
"""

import argparse
import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHROMIUM = '/usr/bin/chromium'
WIDTH, HEIGHT = 800, 2000
SHOTS = (('overview', 'overview'), ('failure', 'fail-7'),
         ('trends', 'trends'))
TIMEOUT = 60.0
FLAGS = ('--headless', '--no-sandbox', '--disable-gpu',
         '--remote-debugging-pipe', '--no-first-run',
         '--no-default-browser-check', '--disable-extensions',
         '--disable-background-networking', '--disable-component-update',
         '--disable-sync', '--disable-default-apps', '--no-pings',
         '--host-resolver-rules=MAP * ~NOTFOUND')

# Measured in the page: is it wider than the viewport, and which elements
# reach past its right edge outside a box that scrolls or clips them.
OVERFLOW_JS = r'''
(() => {
  const de = document.documentElement, width = de.clientWidth;
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== de; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden' ||
          o === 'clip') { return true; }
    }
    return false;
  };
  const offenders = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > width + 1 && !clipped(el)) {
      offenders.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + ' (right edge ' + Math.round(r.right) + ' px)');
    }
  }
  return {width: width, scrollWidth: de.scrollWidth,
          offenders: offenders.slice(0, 10), count: offenders.length};
})()
'''

# Scroll to an anchor as a click on a link to it does; → where it landed.
SCROLL_JS = r'''
new Promise((done) => {
  const el = document.getElementById(%s);
  if (!el) { done({found: false}); return; }
  location.hash = '#' + el.id;
  requestAnimationFrame(() => requestAnimationFrame(() => {
    const header = document.querySelector('header');
    done({found: true, top: el.getBoundingClientRect().top,
          header: header ? header.getBoundingClientRect().bottom : 0,
          scrollY: window.scrollY});
  }));
})
'''


class BrowserError(RuntimeError):
    """Chromium did not answer as expected (the message says what)."""


class Browser(object):
    """Headless Chromium driven over the DevTools protocol on a pipe."""

    def __init__(self, chromium=CHROMIUM):
        self.profile = tempfile.mkdtemp(prefix='report-screens-')
        # Chromium's own messages, quoted when it fails
        self.log = open(os.path.join(self.profile, 'chromium.log'), 'wb')
        # Chromium reads commands on fd 3 and writes answers on fd 4: bash
        # puts our pipe ends there (dash takes no fd above 9).
        to_r, to_w = os.pipe()
        from_r, from_w = os.pipe()
        # above 4, or "3<&4 4>&3" would swap them
        to_r, from_w = (self._above(fd, 10) for fd in (to_r, from_w))
        script = 'exec "$0" "$@" 3<&%d 4>&%d' % (to_r, from_w)
        try:
            self.proc = subprocess.Popen(
                ['/bin/bash', '-c', script, chromium] + list(FLAGS) + [
                    '--user-data-dir=' + self.profile, 'about:blank'],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=self.log, pass_fds=(to_r, from_w))
        except OSError:
            self.log.close()
            shutil.rmtree(self.profile, ignore_errors=True)
            raise
        finally:
            os.close(to_r)
            os.close(from_w)
        self.out = os.fdopen(to_w, 'wb')
        self.inp = os.fdopen(from_r, 'rb')
        self.buf, self.next_id, self.events = b'', 0, []
        self.session = None

    @staticmethod
    def _above(fd, low):
        moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, low)
        os.close(fd)
        return moved

    def _read(self, what='an answer'):
        deadline = time.monotonic() + TIMEOUT
        while b'\0' not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.inp], [], [], left)[0]:
                raise BrowserError('chromium sent no %s in %.0f s'
                                   % (what, TIMEOUT))
            chunk = os.read(self.inp.fileno(), 1 << 16)
            if not chunk:
                raise BrowserError('chromium closed the DevTools pipe '
                                   '(exit code %s); its last words:\n%s'
                                   % (self.proc.poll(), self.last_words()))
            self.buf += chunk
        text, self.buf = self.buf.split(b'\0', 1)
        return json.loads(text)

    def last_words(self, lines=8):
        self.log.flush()
        with open(self.log.name, errors='replace') as f:
            return ''.join(f.readlines()[-lines:])

    def call(self, method, params=None, session=True):
        self.next_id += 1
        msg = {'id': self.next_id, 'method': method, 'params': params or {}}
        if session and self.session:
            msg['sessionId'] = self.session
        self.out.write(json.dumps(msg).encode() + b'\0')
        self.out.flush()
        while True:
            answer = self._read('answer to %s' % method)
            if answer.get('id') == self.next_id:
                if 'error' in answer:
                    raise BrowserError('%s: %s' % (method, answer['error']))
                return answer.get('result', {})
            self.events.append(answer)

    def wait_event(self, method):
        while True:
            for i, event in enumerate(self.events):
                if event.get('method') == method:
                    return self.events.pop(i)
            self.events.append(self._read('event %s' % method))

    def open(self, url, width=WIDTH, height=HEIGHT):
        target = self.call('Target.createTarget', {'url': 'about:blank'},
                           session=False)['targetId']
        self.session = self.call('Target.attachToTarget', {
            'targetId': target, 'flatten': True},
            session=False)['sessionId']
        self.call('Emulation.setDeviceMetricsOverride', {
            'width': width, 'height': height, 'deviceScaleFactor': 1,
            'mobile': False})
        self.call('Page.enable')
        self.call('Page.navigate', {'url': url})
        self.wait_event('Page.loadEventFired')

    def evaluate(self, expression):
        got = self.call('Runtime.evaluate', {
            'expression': expression, 'returnByValue': True,
            'awaitPromise': True})
        if 'exceptionDetails' in got:
            raise BrowserError('script failed: %s' % got['exceptionDetails'])
        return got['result'].get('value')

    def screenshot(self, path):
        data = self.call('Page.captureScreenshot', {'format': 'png'})
        with open(path, 'wb') as f:
            f.write(base64.b64decode(data['data']))

    def close(self):
        try:
            self.call('Browser.close', session=False)
        except (BrowserError, OSError, ValueError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for f in (self.out, self.inp, self.log):
            try:
                f.close()
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)


def png_problem(path, width=WIDTH, height=HEIGHT):
    """What is wrong with a screenshot (None: nothing)."""
    from PIL import Image
    with Image.open(path) as im:
        if im.size != (width, height):
            return '%s: %dx%d, not %dx%d' % ((path,) + im.size +
                                             (width, height))
        colours = im.convert('RGB').getcolors(maxcolors=1 << 16)
        if colours is not None and len(colours) < 8:
            return '%s: blank (%d colour(s))' % (path, len(colours))
    return None


def check_page(page, chromium=CHROMIUM, shots=(), out=None):
    """Open ``page``; → (problems, facts). ``shots``: (name, anchor)."""
    problems, facts = [], {}
    browser = Browser(chromium)
    try:
        browser.open('file://' + os.path.abspath(page))
        overflow = browser.evaluate(OVERFLOW_JS)
        facts['overflow'] = overflow
        if overflow['scrollWidth'] > overflow['width']:
            problems.append('the page is %d px wide in a %d px viewport'
                            % (overflow['scrollWidth'], overflow['width']))
        if overflow['count']:
            problems.append('%d element(s) reach past the right edge: %s'
                            % (overflow['count'],
                               ', '.join(overflow['offenders'])))
        for name, anchor in shots:
            landed = browser.evaluate(SCROLL_JS % json.dumps(anchor))
            facts[name] = landed
            if not landed['found']:
                problems.append('#%s: no such anchor' % anchor)
                continue
            if landed['top'] < landed['header'] - 1:
                problems.append('#%s: hidden under the sticky header (its '
                                'top %d px, the header ends at %d px)' % (
                                    anchor, landed['top'],
                                    landed['header']))
            if out:
                path = os.path.join(out, name + '.png')
                browser.screenshot(path)
                facts[name]['png'] = path
                why = png_problem(path)
                if why:
                    problems.append(why)
    finally:
        browser.close()
    return problems, facts


def render(directory):
    """Generated runs + the recorded fault matrix → the report's path."""
    sys.path.insert(0, REPO)
    from cross_service_tempest_plugin import cli
    from unit_tests import report_runs
    scales = {i: 1 + 0.04 * ((i * 7) % 5) for i in range(12)}
    scales[11] = 1.35       # the newest run is slower: the trend says so
    runs = report_runs.write(report_runs.series(
        12, failed_at=(7,), scales=scales,
        settings={9: {'record_timeout': 30}}),
        os.path.join(directory, 'floating_ip_dns'))
    wiggle = {i: 1 + 0.03 * (i % 4) for i in range(10)}
    runs += report_runs.write(report_runs.series(
        10, passed='servers_dns-1', scales=wiggle),
        os.path.join(directory, 'servers_dns'))
    matrix = os.path.join(REPO, 'unit_tests', 'data', 'fault_matrix',
                          'matrix.json')
    page = os.path.join(directory, 'report.html')
    with open(os.devnull, 'w') as null:
        cli.main(['report'] + runs + [matrix, '-o', page], stdout=null,
                 stderr=null)
    if not os.path.exists(page):
        raise BrowserError('the report was not written: %s' % page)
    return page


def failed_anchor(page):
    """The first failure box's anchor (the runs sort by start time)."""
    with open(page, encoding='utf-8') as f:
        text = f.read()
    start = text.index('<div class="fail-box" id="') + len(
        '<div class="fail-box" id="')
    return text[start:text.index('"', start)]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--out', default='report-screens',
                    help='directory for the report and the screenshots '
                    '(default: %(default)s)')
    ap.add_argument('--chromium', default=CHROMIUM)
    ap.add_argument('--page', help='check this HTML file (no screenshots)')
    args = ap.parse_args(argv)
    if not os.path.exists(args.chromium):
        print('report_screenshots: %s not found (install chromium)'
              % args.chromium, file=sys.stderr)
        return 2
    if args.page:
        problems, facts = check_page(args.page, args.chromium)
    else:
        os.makedirs(args.out, exist_ok=True)
        page = render(args.out)
        shots = [(name, failed_anchor(page) if name == 'failure' else a)
                 for name, a in SHOTS]
        problems, facts = check_page(page, args.chromium, shots, args.out)
        print('report: %s' % page)
        for name, _anchor in shots:
            if facts.get(name, {}).get('png'):
                print('%s: %s' % (name, facts[name]['png']))
    o = facts['overflow']
    print('viewport %d px, document %d px wide, %d element(s) past the '
          'right edge' % (o['width'], o['scrollWidth'], o['count']))
    for problem in problems:
        print('FAILED: %s' % problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
