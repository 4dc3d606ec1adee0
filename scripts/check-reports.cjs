// Opens each report.html given in headless Chromium (Debian's, driven by
// playwright-core) at a phone's width and checks what a reader needs: no
// page error, every image loaded, tables present, nothing wider than the
// screen, and a screenshot unlike a blank page's. Exits 1 on any failure.
const { chromium } = require("playwright-core");

const ARGS = [
  "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

(async () => {
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ARGS });
  const viewport = { width: 390, height: 844 };
  const blankPage = await browser.newPage({ viewport });
  await blankPage.setContent("<!DOCTYPE html><html><body></body></html>");
  const blank = await blankPage.screenshot();
  let failures = 0;
  for (const file of process.argv.slice(2)) {
    const page = await browser.newPage({ viewport });
    const errors = [];
    page.on("pageerror", (e) => errors.push(`page error: ${e}`));
    page.on("requestfailed", (r) => errors.push(`failed to load ${r.url().slice(0, 80)}`));
    await page.goto(`file://${file}`, { waitUntil: "load" });
    const seen = await page.evaluate(() => ({
      title: document.title,
      images: [...document.images].map((i) => i.complete && i.naturalWidth > 0),
      tables: document.querySelectorAll("table").length,
      wider: document.documentElement.scrollWidth > window.innerWidth + 1,
    }));
    const shot = await page.screenshot();
    if (seen.images.length === 0) errors.push("no images");
    const broken = seen.images.filter((ok) => !ok).length;
    if (broken > 0) errors.push(`${broken} of ${seen.images.length} images did not load`);
    if (seen.tables === 0) errors.push("no tables");
    if (seen.wider) errors.push("the page is wider than a phone's screen");
    if (shot.equals(blank)) errors.push("the screenshot is blank");
    if (errors.length > 0) {
      failures += 1;
      console.error(`${file}: ${errors.join("; ")}`);
    } else {
      console.log(`${file}: "${seen.title}", ${seen.images.length} images, ${seen.tables} tables: renders`);
    }
  }
  await browser.close();
  if (failures > 0) process.exit(1);
  console.log(`reports: ${process.argv.length - 2} rendered in headless Chromium`);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
