// What both JavaScript host tests run (tests/js/host_driver.mjs in Node.js, tests/js/host_page.html in a browser):
// each case played by `host` with the given uniform numbers as its only randomness.

/** {"patterns": the grid notes of each case}; a case that draws more uniforms than it was given throws. */
export async function playCases(host, cases) {
  const patterns = [];
  for (const { z, options, uniforms } of cases) {
    let next = 0;
    const random = () => {
      if (next >= uniforms.length) throw new Error(`drew more than the ${uniforms.length} uniforms given`);
      return uniforms[next++];
    };
    patterns.push(await host.pattern(z, { ...options, random }));
  }
  return { patterns };
}
