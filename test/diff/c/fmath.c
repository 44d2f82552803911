// Floating-point math without libm: range-reduced polynomial sine and cosine, exp by squaring a Taylor
// series, Newton square root, float (f32) versions of some, Simpson integration, a Mandelbrot escape count,
// and float-to-int conversions (saturating, as compiled with -mnontrapping-fptoint). Results must agree bit
// for bit between engines: wasm float arithmetic is deterministic except for NaN payloads.

#define EXPORT(name) __attribute__((export_name(name)))

static const double PI = 3.14159265358979323846;

static double reduce(double x) {
  // x mod 2π into [-π, π], by an integer multiple (float-to-int conversion included).
  double k = (double)(long long)(x / (2 * PI));
  x -= k * 2 * PI;
  if (x > PI) x -= 2 * PI;
  if (x < -PI) x += 2 * PI;
  return x;
}

EXPORT("sin") double my_sin(double x) {
  if (x != x || x - x != 0) return x - x;  // NaN or infinity
  x = reduce(x);
  double x2 = x * x, term = x, sum = x;
  for (int n = 1; n < 12; n++) {
    term *= -x2 / ((2 * n) * (2 * n + 1));
    sum += term;
  }
  return sum;
}

EXPORT("cos") double my_cos(double x) { return my_sin(x + PI / 2); }

EXPORT("exp") double my_exp(double x) {
  if (x != x) return x;
  if (x > 709) return 1.0 / 0.0;
  if (x < -745) return 0.0;
  // e^x = (e^(x/2^k))^(2^k) with a short series for the small argument.
  int k = 0;
  while (x > 0.5 || x < -0.5) {
    x /= 2;
    k++;
  }
  double term = 1, sum = 1;
  for (int n = 1; n < 16; n++) {
    term *= x / n;
    sum += term;
  }
  while (k-- > 0) sum *= sum;
  return sum;
}

EXPORT("sqrt_newton") double sqrt_newton(double a) {
  if (!(a > 0)) return a == 0 ? a : (a - a) / (a - a);
  if (a - a != 0) return a;
  double x = a > 1 ? a / 2 : 1;
  for (int i = 0; i < 80; i++) {
    double nx = 0.5 * (x + a / x);
    if (nx == x) break;
    x = nx;
  }
  return x;
}

EXPORT("sinf") float my_sinf(float x) {
  if (x != x || x - x != 0) return x - x;
  float k = (float)(int)(x / 6.2831853f);
  x -= k * 6.2831853f;
  float x2 = x * x, term = x, sum = x;
  for (int n = 1; n < 8; n++) {
    term *= -x2 / (float)((2 * n) * (2 * n + 1));
    sum += term;
  }
  return sum;
}

EXPORT("poly_f") float poly_f(float x, float y) {
  // Horner with float rounding after every step; also mixes in a float->double->float trip.
  float r = ((((0.5f * x - 1.25f) * x + 3.0f) * x - y) * x + 0.1f);
  double d = (double)r * 1.0000001;
  return (float)d + y * y;
}

static double f_integrand(double x) { return x * x * x - 2 * x + 1 / (1 + x * x); }

EXPORT("simpson") double simpson(double a, double b, int n) {
  if (n < 2) n = 2;
  if (n > 100000) n = 100000;
  if (n & 1) n++;
  double h = (b - a) / n, s = f_integrand(a) + f_integrand(b);
  for (int i = 1; i < n; i++) s += f_integrand(a + i * h) * ((i & 1) ? 4 : 2);
  return s * h / 3;
}

EXPORT("mandel") int mandel(double cx, double cy, int max_iter) {
  if (max_iter > 5000) max_iter = 5000;
  double x = 0, y = 0;
  int i = 0;
  while (i < max_iter && x * x + y * y <= 4) {
    double t = x * x - y * y + cx;
    y = 2 * x * y + cy;
    x = t;
    i++;
  }
  return i;
}

EXPORT("to_i32") int to_i32(double x) { return (int)x; }
EXPORT("to_u32") unsigned to_u32(double x) { return (unsigned)x; }
EXPORT("to_i64") long long to_i64(double x) { return (long long)x; }
EXPORT("to_u64") unsigned long long to_u64(float x) { return (unsigned long long)x; }
EXPORT("from_u64") float from_u64(unsigned long long x) { return (float)x; }
EXPORT("from_i64d") double from_i64d(long long x) { return (double)x; }

// A running mean and variance (Welford) over a pseudo-random stream, returned as mean + variance.
EXPORT("welford") double welford(unsigned seed, int n) {
  if (n > 100000) n = 100000;
  double mean = 0, m2 = 0;
  for (int i = 1; i <= n; i++) {
    seed = seed * 1664525u + 1013904223u;
    double x = (double)(seed >> 8) / (1 << 24) - 0.5;
    double d = x - mean;
    mean += d / i;
    m2 += d * (x - mean);
  }
  return n > 1 ? mean + m2 / (n - 1) : mean;
}
