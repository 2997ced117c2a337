// Item generation: names and image URLs derived from (sale, item) alone, so every instance that
// races to open a sale would write the very same rows.

const adjectives = [
  'Amber',
  'Arctic',
  'Bold',
  'Brisk',
  'Cobalt',
  'Coral',
  'Crimson',
  'Dusky',
  'Electric',
  'Emerald',
  'Feather',
  'Gilded',
  'Golden',
  'Hazel',
  'Indigo',
  'Ivory',
  'Jade',
  'Lunar',
  'Midnight',
  'Misty',
  'Nordic',
  'Olive',
  'Pearl',
  'Quiet',
  'Rustic',
  'Saffron',
  'Scarlet',
  'Silver',
  'Solar',
  'Velvet',
];
const materials = [
  'Bamboo',
  'Canvas',
  'Cashmere',
  'Ceramic',
  'Copper',
  'Cotton',
  'Denim',
  'Glass',
  'Granite',
  'Hemp',
  'Leather',
  'Linen',
  'Maple',
  'Marble',
  'Merino',
  'Oak',
  'Porcelain',
  'Silk',
  'Steel',
  'Walnut',
];
const things = [
  'Backpack',
  'Blanket',
  'Bowl',
  'Candle',
  'Chair',
  'Clock',
  'Headphones',
  'Jacket',
  'Journal',
  'Kettle',
  'Lamp',
  'Mug',
  'Notebook',
  'Pillow',
  'Planter',
  'Scarf',
  'Sneakers',
  'Speaker',
  'Sunglasses',
  'Teapot',
  'Tote',
  'Tray',
  'Umbrella',
  'Vase',
  'Wallet',
  'Watch',
];

export type GeneratedItem = { itemId: number; name: string; imageUrl: string };

export function generateItem(saleId: number, itemId: number): GeneratedItem {
  const h = mix(saleId * 1_000_003 + itemId);
  const name = `${adjectives[h % adjectives.length]} ${materials[(h >>> 8) % materials.length]} ${things[(h >>> 16) % things.length]} #${itemId}`;
  return { itemId, name, imageUrl: `https://picsum.photos/seed/flashsale-${saleId}-${itemId}/480/480` };
}

// A 32-bit integer hash (lowbias32): cheap and well spread, so neighbouring ids look unrelated.
function mix(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}
