//! Decrees kept as YAML: an agency's service catalogue in its website's repository
//! (`layanan.yml`), with an office block, a list of services whose keys are the components
//! (`persyaratan:`, `waktu_penyelesaian:`, `biaya:`), block scalars, comments, and anchors and
//! aliases for what several services share.
//!
//! [`split`] reads such a file into the same values as a JSON export and writes them as
//! [`super::json`] does: the office's texts as front matter, a service-name row and label rows
//! per service, each line citing the source line of its key. A commented-out service is no
//! service (YAML drops comments); one marked `aktif: false` is left out. A text that is no YAML
//! mapping, or holds no service records, is left to the other readers.

use super::html::Split;
use serde_json::Value;

/// The file as lines of text, or `None` when it is not a YAML catalogue of services.
pub(crate) fn split(text: &str) -> Option<Split> {
    if !looks_like_yaml(text) {
        return None;
    }
    let value: Value = serde_norway::from_str(text).ok()?;
    if !value.is_object() {
        return None;
    }
    super::json::split_values(std::slice::from_ref(&value), text)
}

/// Whether the first line that is no comment is a lowercase key at the start of the line
/// (`versi: 3.2`, `instansi:`), as a YAML file opens and no decree does.
fn looks_like_yaml(text: &str) -> bool {
    text.lines()
        .map(str::trim_end)
        .find(|l| !l.trim().is_empty() && !l.starts_with('#') && l != &"---")
        .and_then(|l| l.split_once(':'))
        .is_some_and(|(key, _)| {
            !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CATALOGUE: &str = "\
# layanan.yml
instansi:
  nama: Dinas Penanaman Modal dan PTSP Kabupaten Tirtaraharja
  pengaduan: &pengaduan_umum
    wa: 0812-2100-7700
layanan:
  - nama: Izin Usaha Mikro
    aktif: true
    persyaratan:
      - KTP pemohon
      - Foto lokasi usaha
    prosedur: |
      1. Daftar di OSS
      2. Verifikasi berkas
    waktu_penyelesaian: 1 hari kerja
    biaya: Gratis
    pengaduan: *pengaduan_umum
  - nama: Izin Gangguan (HO)
    aktif: false
    persyaratan: [KTP]
    biaya: Rp 100.000
";

    #[test]
    fn a_catalogue_reads_its_services_and_leaves_out_the_inactive_one() {
        let document = crate::parse::parse_text("layanan.yml", CATALOGUE).expect("services");
        let titles: Vec<String> = document.services.iter().map(|s| s.title.to_lowercase()).collect();
        assert_eq!(titles, ["izin usaha mikro"]);
        let service = &document.services[0];
        // The shared channel an alias points at is the service's.
        assert!(service.components.iter().any(|c| c.text.contains("0812-2100-7700")));
        assert_eq!(service.lines.start, 7);
    }

    #[test]
    fn decrees_and_json_are_no_yaml() {
        assert!(!looks_like_yaml("KEPUTUSAN KEPALA DINAS\nPersyaratan: KTP"));
        assert!(!looks_like_yaml("{\"layanan\": []}"));
        assert!(split("nomor: 5\ntahun: 2024\n").is_none());
    }
}
