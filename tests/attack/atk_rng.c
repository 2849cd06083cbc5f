/* atk_rng — splitmix64 (Steele, Lea, Flood 2014): one 64-bit state, every
 * seed a full-period stream, the same numbers on every machine. A clip is
 * its seed: the plan draws everything from one stream in a fixed order. */
#include "atk.h"

/* The seed is hashed into the state: seeds N and N + 1 taken as states
 * would give the same stream one draw apart. */
void
atk_rng_seed (struct atk_rng *r, uint64_t seed)
{
  uint64_t z = seed + 0x632BE59BD9B4E019ull;
  z = (z ^ (z >> 33)) * 0xFF51AFD7ED558CCDull;
  z = (z ^ (z >> 33)) * 0xC4CEB9FE1A85EC53ull;
  r->state = z ^ (z >> 33);
}

uint64_t
atk_rng_next (struct atk_rng *r)
{
  uint64_t z = (r->state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double
atk_rng_uniform (struct atk_rng *r, double lo, double hi)
{
  return lo + (hi - lo) * (double) (atk_rng_next (r) >> 11) * 0x1.0p-53;
}

int
atk_rng_below (struct atk_rng *r, int n)
{
  return n > 0 ? (int) (atk_rng_next (r) % (uint64_t) n) : 0;
}

bool
atk_rng_chance (struct atk_rng *r, double p)
{
  return atk_rng_uniform (r, 0, 1) < p;
}
