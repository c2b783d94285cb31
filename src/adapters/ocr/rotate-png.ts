// Runs in an OCR child process. A page scanned upside down or sideways is an image of rotated text: both
// engines read it as confident-looking garbage, and the content check then finds no identity in it. The
// page is turned here, the same way for both engines, so that they read the same pixels.
import type { PageRotation } from './page-recogniser.js';

/** `png` turned clockwise by `rotation` degrees, as a PNG. */
export async function rotatePng(png: Buffer, rotation: PageRotation): Promise<Buffer> {
  if (rotation === 0) return png;
  const { createCanvas, loadImage } = await import('@napi-rs/canvas');
  const image = await loadImage(png);
  const sideways = rotation === 90 || rotation === 270;
  const width = sideways ? image.height : image.width;
  const height = sideways ? image.width : image.height;
  const canvas = createCanvas(width, height);
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, width, height);
  context.translate(width / 2, height / 2);
  context.rotate((rotation * Math.PI) / 180);
  context.drawImage(image, -image.width / 2, -image.height / 2);
  return canvas.encode('png');
}
