//! Small dense linear algebra on the host in f64: enough for Fréchet distances and PCA on
//! feature sizes of a few hundred. Row-major `Vec<f64>` of `n * n`.

/// Eigen-decomposition of a symmetric `n x n` matrix by cyclic Jacobi rotations.
/// Returns `(eigenvalues, eigenvectors)` with eigenvector `k` in column `k` (row-major),
/// sorted by decreasing eigenvalue.
pub fn symmetric_eigen(a: &[f64], n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut a = a.to_vec();
    let mut v = vec![0.0; n * n];
    for i in 0..n {
        v[i * n + i] = 1.0;
    }
    for _sweep in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i * n + j].powi(2))
            .sum();
        let scale: f64 = (0..n)
            .map(|i| a[i * n + i].powi(2))
            .sum::<f64>()
            .max(1e-300);
        if off <= 1e-24 * scale {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                let apq = a[p * n + q];
                if apq.abs() < 1e-300 {
                    continue;
                }
                let theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..n {
                    let (akp, akq) = (a[k * n + p], a[k * n + q]);
                    a[k * n + p] = c * akp - s * akq;
                    a[k * n + q] = s * akp + c * akq;
                }
                for k in 0..n {
                    let (apk, aqk) = (a[p * n + k], a[q * n + k]);
                    a[p * n + k] = c * apk - s * aqk;
                    a[q * n + k] = s * apk + c * aqk;
                }
                for k in 0..n {
                    let (vkp, vkq) = (v[k * n + p], v[k * n + q]);
                    v[k * n + p] = c * vkp - s * vkq;
                    v[k * n + q] = s * vkp + c * vkq;
                }
            }
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| a[j * n + j].total_cmp(&a[i * n + i]));
    let values = order.iter().map(|&i| a[i * n + i]).collect();
    let mut vectors = vec![0.0; n * n];
    for (new, &old) in order.iter().enumerate() {
        for r in 0..n {
            vectors[r * n + new] = v[r * n + old];
        }
    }
    (values, vectors)
}

/// `a @ b` for `n x n` matrices.
pub fn matmul(a: &[f64], b: &[f64], n: usize) -> Vec<f64> {
    let mut out = vec![0.0; n * n];
    for i in 0..n {
        for k in 0..n {
            let aik = a[i * n + k];
            if aik == 0.0 {
                continue;
            }
            for j in 0..n {
                out[i * n + j] += aik * b[k * n + j];
            }
        }
    }
    out
}

/// The symmetric positive semi-definite square root (negative eigenvalues clipped to 0).
pub fn sqrt_psd(a: &[f64], n: usize) -> Vec<f64> {
    let (values, vectors) = symmetric_eigen(a, n);
    let mut out = vec![0.0; n * n];
    for (k, &lambda) in values.iter().enumerate() {
        let root = lambda.max(0.0).sqrt();
        for i in 0..n {
            let vik = vectors[i * n + k] * root;
            for j in 0..n {
                out[i * n + j] += vik * vectors[j * n + k];
            }
        }
    }
    out
}

/// Mean and covariance (divided by `rows - 1`) of `rows x cols` row-major samples.
pub fn mean_and_covariance(x: &[f32], rows: usize, cols: usize) -> (Vec<f64>, Vec<f64>) {
    let mut mean = vec![0.0; cols];
    for r in x.chunks(cols) {
        for (m, &v) in mean.iter_mut().zip(r) {
            *m += v as f64;
        }
    }
    mean.iter_mut().for_each(|m| *m /= rows as f64);
    let mut cov = vec![0.0; cols * cols];
    for r in x.chunks(cols) {
        let c: Vec<f64> = r.iter().zip(&mean).map(|(&v, m)| v as f64 - m).collect();
        for i in 0..cols {
            for j in i..cols {
                cov[i * cols + j] += c[i] * c[j];
            }
        }
    }
    let denom = (rows.max(2) - 1) as f64;
    for i in 0..cols {
        for j in i..cols {
            let v = cov[i * cols + j] / denom;
            cov[i * cols + j] = v;
            cov[j * cols + i] = v;
        }
    }
    (mean, cov)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eigen_reconstructs_a_symmetric_matrix() {
        let a = [4.0, 1.0, 0.5, 1.0, 3.0, 0.2, 0.5, 0.2, 1.0];
        let (values, vectors) = symmetric_eigen(&a, 3);
        assert!(values[0] >= values[1] && values[1] >= values[2]);
        for i in 0..3 {
            for j in 0..3 {
                let r: f64 = (0..3)
                    .map(|k| vectors[i * 3 + k] * values[k] * vectors[j * 3 + k])
                    .sum();
                assert!((r - a[i * 3 + j]).abs() < 1e-10);
            }
        }
        let trace: f64 = values.iter().sum();
        assert!((trace - 8.0).abs() < 1e-10);
    }

    #[test]
    fn sqrt_squares_back() {
        let a = [2.0, 0.3, 0.3, 1.0];
        let r = sqrt_psd(&a, 2);
        let back = matmul(&r, &r, 2);
        for (x, y) in back.iter().zip(&a) {
            assert!((x - y).abs() < 1e-10);
        }
    }
}
