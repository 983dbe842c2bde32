//! Services a decree names before it describes them: "Jenis Pelayanan<TAB>: Pengujian Berkala"
//! lines ahead of tables that carry no name of their own, as a script that dumps a Word
//! document's paragraphs first and its tables after (python-docx) leaves it.
//!
//! When the decree declares exactly as many services as it has, in the same order, and the
//! services that are not titled by their declared name share one title between them (a section
//! row every table repeats, "Penyampaian Pelayanan"), that title names none of them: the
//! declared names title them in order. A decree whose services have titles of their own is
//! left alone.

use super::labels::is_service_name_label;
use super::services::RawService;

/// Titles the services from the names the decree declares, when their own titles name none.
pub(crate) fn retitle(lines: &[&str], services: &mut [RawService]) {
    let declared = declared_names(lines);
    if declared.len() != services.len() || services.len() < 2 {
        return;
    }
    let own = |i: usize, service: &RawService| same_name(&service.title, &declared[i]);
    let untitled: Vec<usize> = (0..services.len()).filter(|&i| !own(i, &services[i])).collect();
    let shared = untitled
        .first()
        .is_some_and(|&first| untitled.iter().all(|&i| services[i].title == services[first].title));
    if untitled.len() < 2 || !shared {
        return;
    }
    for i in untitled {
        services[i].title = declared[i].clone();
    }
}

/// The values of "Jenis Pelayanan : ..." lines, in order.
fn declared_names(lines: &[&str]) -> Vec<String> {
    lines
        .iter()
        .filter_map(|line| {
            let (label, value) = line.split_once(':')?;
            let value = value.trim().trim_end_matches([';', '.']).trim();
            (is_service_name_label(label) && value.chars().any(char::is_alphabetic)).then(|| value.to_owned())
        })
        .collect()
}

/// Whether a parsed title is the declared name (case and spacing aside).
fn same_name(title: &str, declared: &str) -> bool {
    let words = |s: &str| -> Vec<String> { s.split_whitespace().map(str::to_lowercase).collect() };
    words(title) == words(declared)
}

#[cfg(test)]
mod tests {
    use super::super::parse_text;

    /// python-docx: the paragraphs (with the declared names) first, the tables after, each
    /// table opening with a merged section row repeated in every column.
    const DUMP: &str = "\
KEPUTUSAN KEPALA DINAS PERHUBUNGAN KABUPATEN CONTOH

Jenis Pelayanan\t: Numpang Uji Kendaraan Bermotor
Unit Pelaksana\t: UPT Pengujian Kendaraan Bermotor

Jenis Pelayanan\t: Penerbitan Izin Insidentil Angkutan Orang
Unit Pelaksana\t: Bidang Angkutan

Jenis Pelayanan\t: Penerbitan Kartu Parkir Berlangganan
Unit Pelaksana\t: UPT Perparkiran

NO | KOMPONEN | URAIAN
PENYAMPAIAN PELAYANAN | PENYAMPAIAN PELAYANAN | PENYAMPAIAN PELAYANAN
1. | Persyaratan | Surat permohonan numpang uji; fotokopi STNK
2. | Jangka Waktu | 1 (satu) hari kerja
3. | Biaya/Tarif | Rp 50.000

NO | KOMPONEN | URAIAN
PENYAMPAIAN PELAYANAN | PENYAMPAIAN PELAYANAN | PENYAMPAIAN PELAYANAN
1. | Persyaratan | Surat permohonan izin insidentil; fotokopi kartu pengawasan
2. | Jangka Waktu | 1 (satu) hari kerja
3. | Biaya/Tarif | Tidak dipungut biaya

NO | KOMPONEN | URAIAN
PENYAMPAIAN PELAYANAN | PENYAMPAIAN PELAYANAN | PENYAMPAIAN PELAYANAN
1. | Persyaratan | Fotokopi STNK yang masih berlaku
2. | Jangka Waktu | 15 (lima belas) menit
3. | Biaya/Tarif | Rp 100.000 per tahun
";

    #[test]
    fn tables_without_names_take_the_declared_names_in_order() {
        let document = parse_text("340_dishub.txt", DUMP).expect("services");
        let titles: Vec<&str> = document.services.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Numpang Uji Kendaraan Bermotor",
                "Penerbitan Izin Insidentil Angkutan Orang",
                "Penerbitan Kartu Parkir Berlangganan"
            ],
            "{titles:?}"
        );
        assert!(
            document.services[1]
                .components
                .iter()
                .any(|c| c.text.contains("insidentil"))
        );
    }

    #[test]
    fn services_titled_by_their_own_headings_are_left_alone() {
        // Declared twice over two services with headings of their own: nothing to do.
        let text = DUMP.replacen(
            "NO | KOMPONEN | URAIAN\nPENYAMPAIAN PELAYANAN | PENYAMPAIAN PELAYANAN | PENYAMPAIAN PELAYANAN\n1. | Persyaratan | Surat permohonan numpang",
            "A. Pelayanan Uji Emisi\nNO | KOMPONEN | URAIAN\n1. | Persyaratan | Surat permohonan numpang",
            1,
        );
        let document = parse_text("340_dishub.txt", &text).expect("services");
        assert!(
            document.services.iter().any(|s| s.title.contains("Uji Emisi")),
            "{:?}",
            document.services.iter().map(|s| &s.title).collect::<Vec<_>>()
        );
    }
}
