// What both JavaScript host tests run (tests/js/host_driver.mjs in Node.js, tests/js/host_page.html in a browser):
// each case played by `host` with the given uniform numbers as its only randomness.

/** The notes of each case on the grid ({"patterns"}) and in seconds at `timedAt` ({tempo, gridOffset}: {"timed"});
 * a case that draws more uniforms than it was given throws. */
export async function playCases(host, cases, timedAt) {
  const patterns = [];
  const timed = [];
  for (const { z, options, uniforms } of cases) {
    let next = 0;
    const random = () => {
      if (next >= uniforms.length) throw new Error(`drew more than the ${uniforms.length} uniforms given`);
      return uniforms[next++];
    };
    const notes = await host.pattern(z, { ...options, random });
    patterns.push(notes);
    timed.push(host.timed(notes, timedAt));
  }
  return { patterns, timed };
}
