//! ELF32 RISC-V executables to a loadable [`Image`]: PT_LOAD segments, the entry point, symbols.
//!
//! The parser reads the headers by hand (System V ABI, "Object Files" chapter: ELF Header, Program
//! Header, Sections, Symbol Table) so that every malformed file yields an [`ElfError`] that names the
//! problem and where it is. All offsets and sizes come from the file, so every range is computed in
//! `u64` and every read goes through `get`: no input can make the parser panic.

use alloc::string::String;
use alloc::vec::Vec;

/// A program ready to be copied into memory.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Image {
    /// The entry point (`e_entry`).
    pub entry: u32,
    /// The PT_LOAD segments, sorted by address, non-overlapping.
    pub segments: Vec<Segment>,
    /// Named symbols from `.symtab` (functions, objects, labels such as `tohost`), sorted by address.
    pub symbols: Vec<Symbol>,
}

/// One PT_LOAD segment.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Segment {
    /// Where the segment goes: `p_paddr` from [`Image::parse`], `p_vaddr` from
    /// [`Image::parse_virtual`] (the two are equal for most programs).
    pub addr: u32,
    /// The file bytes (`p_filesz` of them).
    pub data: Vec<u8>,
    /// Size in memory (`p_memsz` >= data length; the rest is zero-filled, e.g. `.bss`).
    pub mem_size: u32,
    /// Readable / writable / executable, from `p_flags`.
    pub flags: SegmentFlags,
}

/// Segment permissions from `p_flags`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct SegmentFlags {
    /// PF_R.
    pub read: bool,
    /// PF_W.
    pub write: bool,
    /// PF_X.
    pub execute: bool,
}

/// A named address from the symbol table.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Symbol {
    /// The symbol's name.
    pub name: String,
    /// Its value (an address).
    pub addr: u32,
    /// Its size in bytes (0 for labels).
    pub size: u32,
    /// `STT_FUNC` symbols are functions; the disassembly view labels them.
    pub is_function: bool,
}

/// Which address of a program header a segment is placed at.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum LoadAddress {
    /// `p_paddr`, the load address: what a bare machine's loader uses (the default).
    #[default]
    Physical,
    /// `p_vaddr`, the run address: what a Linux loader uses.
    Virtual,
}

/// Where the program header table sits in the loaded image: what a Linux loader passes to the
/// program in the auxiliary vector as `AT_PHDR`, `AT_PHENT` and `AT_PHNUM`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct ProgramHeaders {
    /// The address of the table in memory, if a PT_LOAD segment's file bytes contain it (or a
    /// PT_PHDR entry names it).
    pub addr: Option<u32>,
    /// `e_phentsize` (32 for ELF32).
    pub entry_size: u16,
    /// `e_phnum`.
    pub count: u16,
}

/// Why bytes are not a loadable ELF32 RISC-V executable. Each variant names the problem and where.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
pub enum ElfError {
    /// The first four bytes are not `7f 45 4c 46` ("\x7fELF").
    #[error("not an ELF file: bad magic {found:02x?} at offset 0 (expected [7f, 45, 4c, 46])")]
    BadMagic {
        /// The bytes found (fewer than four if the file is that short).
        found: Vec<u8>,
    },
    /// The file ends before the 52-byte ELF32 header does.
    #[error("truncated ELF header: the file has {len} bytes, the ELF32 header needs 52")]
    TruncatedHeader {
        /// The file's length.
        len: usize,
    },
    /// `EI_CLASS` (offset 4) is not `ELFCLASS32` (1).
    #[error("wrong ELF class {class} at offset 4: expected 1 (ELFCLASS32){hint}")]
    WrongClass {
        /// The value found.
        class: u8,
        /// A hint for the common case (ELFCLASS64).
        hint: &'static str,
    },
    /// `EI_DATA` (offset 5) is not `ELFDATA2LSB` (1).
    #[error("wrong data encoding {encoding} at offset 5: expected 1 (ELFDATA2LSB, little-endian)")]
    WrongDataEncoding {
        /// The value found.
        encoding: u8,
    },
    /// `e_machine` (offset 18) is not `EM_RISCV` (243).
    #[error("wrong machine {machine} at offset 18: expected 243 (EM_RISCV)")]
    WrongMachine {
        /// The value found.
        machine: u16,
    },
    /// `e_type` (offset 16) is not `ET_EXEC` (2).
    #[error("not an executable: e_type {e_type} ({name}) at offset 16, expected 2 (ET_EXEC)")]
    NotExecutable {
        /// The value found.
        e_type: u16,
        /// Its name (`ET_REL`, `ET_DYN`, ...).
        name: &'static str,
    },
    /// `e_phentsize` or `e_shentsize` is not the ELF32 entry size.
    #[error("bad {table} entry size {size} (offset {field_offset}): expected {expected}")]
    BadEntrySize {
        /// "program header" or "section header".
        table: &'static str,
        /// The size found.
        size: u16,
        /// The size ELF32 requires (32 or 40).
        expected: u16,
        /// The header field's offset (42 or 46).
        field_offset: u32,
    },
    /// The program header table runs past the end of the file.
    #[error(
        "truncated program headers: {count} entries at offset {offset:#x} end at {end:#x}, \
         past the end of the file ({len:#x} bytes)"
    )]
    TruncatedProgramHeaders {
        /// `e_phoff`.
        offset: u32,
        /// `e_phnum`.
        count: u16,
        /// Where the table would end.
        end: u64,
        /// The file's length.
        len: usize,
    },
    /// The section header table runs past the end of the file.
    #[error(
        "truncated section headers: {count} entries at offset {offset:#x} end at {end:#x}, \
         past the end of the file ({len:#x} bytes)"
    )]
    TruncatedSectionHeaders {
        /// `e_shoff`.
        offset: u32,
        /// `e_shnum`.
        count: u16,
        /// Where the table would end.
        end: u64,
        /// The file's length.
        len: usize,
    },
    /// The symbol table section's bytes run past the end of the file.
    #[error(
        "truncated symbol table: section {section} at offset {offset:#x} with size {size:#x} \
         runs past the end of the file ({len:#x} bytes)"
    )]
    TruncatedSymbolTable {
        /// The section index.
        section: u32,
        /// `sh_offset`.
        offset: u32,
        /// `sh_size`.
        size: u32,
        /// The file's length.
        len: usize,
    },
    /// The string table a symbol table links to runs past the end of the file.
    #[error(
        "truncated string table: section {section} at offset {offset:#x} with size {size:#x} \
         runs past the end of the file ({len:#x} bytes)"
    )]
    TruncatedStringTable {
        /// The section index.
        section: u32,
        /// `sh_offset`.
        offset: u32,
        /// `sh_size`.
        size: u32,
        /// The file's length.
        len: usize,
    },
    /// A symbol table's `sh_link` does not name a string table section.
    #[error("symbol table section {section} links to section {link}, which is not a string table")]
    BadStringTableLink {
        /// The symbol table's section index.
        section: u32,
        /// Its `sh_link`.
        link: u32,
    },
    /// A symbol's `st_name` is outside its string table or not NUL-terminated.
    #[error(
        "symbol {index} in section {section}: name offset {name_offset:#x} is outside the \
         string table ({table_size:#x} bytes) or not NUL-terminated"
    )]
    BadSymbolName {
        /// The symbol table's section index.
        section: u32,
        /// The symbol's index in the table.
        index: u32,
        /// Its `st_name`.
        name_offset: u32,
        /// The string table's size.
        table_size: u32,
    },
    /// A PT_LOAD segment's file bytes run past the end of the file.
    #[error(
        "segment {index}: file range {offset:#x}..{end:#x} (p_offset + p_filesz) is beyond the \
         end of the file ({len:#x} bytes)"
    )]
    SegmentBeyondFile {
        /// The program header's index.
        index: u16,
        /// `p_offset`.
        offset: u32,
        /// `p_offset + p_filesz`.
        end: u64,
        /// The file's length.
        len: usize,
    },
    /// A PT_LOAD segment has more file bytes than memory bytes.
    #[error("segment {index}: p_filesz {file_size:#x} is larger than p_memsz {mem_size:#x}")]
    FileSizeExceedsMemSize {
        /// The program header's index.
        index: u16,
        /// `p_filesz`.
        file_size: u32,
        /// `p_memsz`.
        mem_size: u32,
    },
    /// A PT_LOAD segment's memory range wraps past the top of the 32-bit address space.
    #[error(
        "segment {index}: address range {addr:#x} + {mem_size:#x} overflows the 32-bit address \
         space"
    )]
    AddressOverflow {
        /// The program header's index.
        index: u16,
        /// The load address.
        addr: u32,
        /// `p_memsz`.
        mem_size: u32,
    },
    /// Two PT_LOAD segments share memory.
    #[error(
        "segments {first} ({first_start:#x}..{first_end:#x}) and {second} \
         ({second_start:#x}..{second_end:#x}) overlap"
    )]
    OverlappingSegments {
        /// The lower segment's program header index.
        first: u16,
        /// Its start address.
        first_start: u32,
        /// Its end address (exclusive).
        first_end: u64,
        /// The other segment's program header index.
        second: u16,
        /// Its start address.
        second_start: u32,
        /// Its end address (exclusive).
        second_end: u64,
    },
    /// An allocated section's bytes run past the end of the file.
    #[error(
        "truncated section: section {section} at offset {offset:#x} with size {size:#x} runs \
         past the end of the file ({len:#x} bytes)"
    )]
    TruncatedSection {
        /// The section index.
        section: u32,
        /// `sh_offset`.
        offset: u32,
        /// `sh_size`.
        size: u32,
        /// The file's length.
        len: usize,
    },
    /// No PT_LOAD segment with a non-zero memory size: nothing to run.
    #[error("no loadable segment: the file has no PT_LOAD program header with p_memsz > 0")]
    NoLoadableSegment,
}

/// An allocated section (`SHF_ALLOC`), for tools that show a program by section, as a
/// disassembler does.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Section {
    /// Its name from the section header string table (`.text`, `.data`, ...).
    pub name: String,
    /// Its address (`sh_addr`).
    pub addr: u32,
    /// Its size in memory (`sh_size`).
    pub size: u32,
    /// Its file bytes; empty for `SHT_NOBITS` (`.bss`).
    pub data: Vec<u8>,
    /// `SHF_EXECINSTR`: the section holds instructions.
    pub executable: bool,
}

/// The allocated sections of an ELF32 RISC-V executable, in file order.
///
/// Checks the identification and header as [`Image::parse`] does; a section whose bytes lie
/// outside the file, or a name outside the section header string table, is an error.
pub fn sections(bytes: &[u8]) -> Result<Vec<Section>, ElfError> {
    const SHT_NOBITS: u32 = 8;
    const SHF_ALLOC: u32 = 2;
    const SHF_EXECINSTR: u32 = 4;
    let r = Reader { bytes };
    check_ident(bytes)?;
    let shoff = r.u32_at(32).unwrap_or(0);
    let shentsize = r.u16_at(46).unwrap_or(0);
    let shnum = r.u16_at(48).unwrap_or(0);
    let shstrndx = r.u16_at(50).unwrap_or(0);
    let headers = section_headers(&r, shoff, shentsize, shnum)?;
    let names = match headers.get(usize::from(shstrndx)) {
        Some(h) if shstrndx != 0 => r
            .range(u64::from(h.sh_offset), u64::from(h.sh_size))
            .ok_or(ElfError::TruncatedStringTable {
                section: u32::from(shstrndx),
                offset: h.sh_offset,
                size: h.sh_size,
                len: bytes.len(),
            })?,
        _ => &[],
    };
    let mut out = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        if h.sh_flags & SHF_ALLOC == 0 {
            continue;
        }
        let section = u32::try_from(i).unwrap_or(u32::MAX);
        let name = usize::try_from(h.sh_name)
            .ok()
            .and_then(|start| names.get(start..))
            .and_then(|tail| Some(&tail[..tail.iter().position(|&b| b == 0)?]))
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .unwrap_or_default();
        let data = if h.sh_type == SHT_NOBITS {
            Vec::new()
        } else {
            r.range(u64::from(h.sh_offset), u64::from(h.sh_size))
                .ok_or(ElfError::TruncatedSection {
                    section,
                    offset: h.sh_offset,
                    size: h.sh_size,
                    len: bytes.len(),
                })?
                .to_vec()
        };
        out.push(Section {
            name,
            addr: h.sh_addr,
            size: h.sh_size,
            data,
            executable: h.sh_flags & SHF_EXECINSTR != 0,
        });
    }
    Ok(out)
}

/// Size of the ELF32 file header.
const EHDR_SIZE: usize = 52;
/// `e_phentsize` for ELF32.
const PHDR_SIZE: u16 = 32;
/// `e_shentsize` for ELF32.
const SHDR_SIZE: u16 = 40;
/// Size of an `Elf32_Sym`.
const SYM_SIZE: u64 = 16;
/// `e_machine` for RISC-V.
const EM_RISCV: u16 = 243;
/// `e_type` of an executable file.
const ET_EXEC: u16 = 2;
/// `p_type` of a loadable segment.
const PT_LOAD: u32 = 1;
/// `p_type` of the program header table's own entry.
const PT_PHDR: u32 = 6;
/// `sh_type` of a symbol table.
const SHT_SYMTAB: u32 = 2;
/// `sh_type` of a string table.
const SHT_STRTAB: u32 = 3;
/// `st_info` type of a function.
const STT_FUNC: u8 = 2;
/// `st_info` type of a section symbol (not shown).
const STT_SECTION: u8 = 3;
/// `st_info` type of a source file symbol (not shown).
const STT_FILE: u8 = 4;
/// `st_shndx` of an undefined symbol.
const SHN_UNDEF: u16 = 0;

/// Little-endian field reads that return `None` past the end instead of panicking.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl Reader<'_> {
    fn u8_at(&self, offset: u64) -> Option<u8> {
        self.bytes.get(usize::try_from(offset).ok()?).copied()
    }

    fn u16_at(&self, offset: u64) -> Option<u16> {
        let start = usize::try_from(offset).ok()?;
        let b = self.bytes.get(start..start.checked_add(2)?)?;
        Some(u16::from_le_bytes([b[0], b[1]]))
    }

    fn u32_at(&self, offset: u64) -> Option<u32> {
        let start = usize::try_from(offset).ok()?;
        let b = self.bytes.get(start..start.checked_add(4)?)?;
        Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// The bytes `offset..offset + len`, if all of them are in the file.
    fn range(&self, offset: u64, len: u64) -> Option<&[u8]> {
        let start = usize::try_from(offset).ok()?;
        let end = usize::try_from(offset.checked_add(len)?).ok()?;
        self.bytes.get(start..end)
    }
}

/// One program header entry (System V ABI, "Program Header", `Elf32_Phdr`).
struct ProgramHeader {
    p_type: u32,
    p_offset: u32,
    p_vaddr: u32,
    p_paddr: u32,
    p_filesz: u32,
    p_memsz: u32,
    p_flags: u32,
}

/// One section header entry (System V ABI, "Sections", `Elf32_Shdr`).
struct SectionHeader {
    sh_name: u32,
    sh_type: u32,
    sh_flags: u32,
    sh_addr: u32,
    sh_offset: u32,
    sh_size: u32,
    sh_link: u32,
}

impl Image {
    /// Parses an ELF32 little-endian RISC-V executable.
    ///
    /// Checks, in order: the identification bytes, the header, the program header table, every
    /// PT_LOAD segment (file range, sizes, address range, overlaps), then the symbol table.
    pub fn parse(bytes: &[u8]) -> Result<Image, ElfError> {
        Image::parse_with_headers(bytes).map(|(image, _)| image)
    }

    /// Like [`Image::parse`], and also says where the program header table is loaded (for a Linux
    /// loader's auxiliary vector).
    pub fn parse_with_headers(bytes: &[u8]) -> Result<(Image, ProgramHeaders), ElfError> {
        Image::parse_at(bytes, LoadAddress::Physical)
    }

    /// Parses an executable the way a Linux loader (and `qemu-riscv32`) places it: each segment
    /// at its virtual address `p_vaddr`. The two differ only for files linked with a load
    /// address apart from the run address (`AT>` in a linker script), where startup code copies
    /// `.data` from its load address on bare hardware.
    pub fn parse_virtual(bytes: &[u8]) -> Result<(Image, ProgramHeaders), ElfError> {
        Image::parse_at(bytes, LoadAddress::Virtual)
    }

    /// Parses with segments placed at the chosen address of each program header.
    pub fn parse_at(
        bytes: &[u8],
        placement: LoadAddress,
    ) -> Result<(Image, ProgramHeaders), ElfError> {
        let r = Reader { bytes };
        check_ident(bytes)?;
        // Present: check_ident guarantees the 52-byte header.
        let e_type = r.u16_at(16).unwrap_or(0);
        let e_machine = r.u16_at(18).unwrap_or(0);
        if e_machine != EM_RISCV {
            return Err(ElfError::WrongMachine { machine: e_machine });
        }
        if e_type != ET_EXEC {
            return Err(ElfError::NotExecutable {
                e_type,
                name: e_type_name(e_type),
            });
        }
        let entry = r.u32_at(24).unwrap_or(0);
        let phoff = r.u32_at(28).unwrap_or(0);
        let shoff = r.u32_at(32).unwrap_or(0);
        let phentsize = r.u16_at(42).unwrap_or(0);
        let phnum = r.u16_at(44).unwrap_or(0);
        let shentsize = r.u16_at(46).unwrap_or(0);
        let shnum = r.u16_at(48).unwrap_or(0);

        let phdrs = program_headers(&r, phoff, phentsize, phnum)?;
        let (segments, phdr_addr) = load_segments(&r, &phdrs, phoff, placement)?;
        let sections = section_headers(&r, shoff, shentsize, shnum)?;
        let symbols = symbols(&r, &sections)?;
        let headers = ProgramHeaders {
            addr: phdr_addr,
            entry_size: phentsize,
            count: phnum,
        };
        Ok((
            Image {
                entry,
                segments,
                symbols,
            },
            headers,
        ))
    }

    /// The first symbol named `name`.
    pub fn symbol(&self, name: &str) -> Option<&Symbol> {
        self.symbols.iter().find(|s| s.name == name)
    }

    /// The end of the highest segment in memory (`addr + mem_size`), where a Linux program break
    /// starts; 0 without segments.
    pub fn end(&self) -> u64 {
        self.segments
            .iter()
            .map(|s| u64::from(s.addr) + u64::from(s.mem_size))
            .max()
            .unwrap_or(0)
    }
}

/// Checks `e_ident` and that the whole ELF32 header is present.
fn check_ident(bytes: &[u8]) -> Result<(), ElfError> {
    const MAGIC: [u8; 4] = [0x7f, b'E', b'L', b'F'];
    let head = bytes.get(..4).unwrap_or(bytes);
    if head != &MAGIC[..head.len()] || head.is_empty() {
        return Err(ElfError::BadMagic {
            found: head.to_vec(),
        });
    }
    if bytes.len() < EHDR_SIZE {
        return Err(ElfError::TruncatedHeader { len: bytes.len() });
    }
    let class = bytes[4];
    if class != 1 {
        let hint = if class == 2 {
            " (this is an ELF64 file; build with -march=rv32... -mabi=ilp32)"
        } else {
            ""
        };
        return Err(ElfError::WrongClass { class, hint });
    }
    let encoding = bytes[5];
    if encoding != 1 {
        return Err(ElfError::WrongDataEncoding { encoding });
    }
    Ok(())
}

/// The name of an `e_type` value, for error messages.
fn e_type_name(e_type: u16) -> &'static str {
    match e_type {
        0 => "ET_NONE",
        1 => "ET_REL, an object file: link it first",
        2 => "ET_EXEC",
        3 => "ET_DYN, a shared object or position-independent executable: link with -static",
        4 => "ET_CORE",
        _ => "unknown",
    }
}

/// Reads the program header table.
fn program_headers(
    r: &Reader<'_>,
    phoff: u32,
    phentsize: u16,
    phnum: u16,
) -> Result<Vec<ProgramHeader>, ElfError> {
    if phnum == 0 {
        return Ok(Vec::new());
    }
    if phentsize != PHDR_SIZE {
        return Err(ElfError::BadEntrySize {
            table: "program header",
            size: phentsize,
            expected: PHDR_SIZE,
            field_offset: 42,
        });
    }
    let end = u64::from(phoff) + u64::from(phnum) * u64::from(PHDR_SIZE);
    let table = r.range(u64::from(phoff), end - u64::from(phoff)).ok_or(
        ElfError::TruncatedProgramHeaders {
            offset: phoff,
            count: phnum,
            end,
            len: r.bytes.len(),
        },
    )?;
    let t = Reader { bytes: table };
    Ok((0..u64::from(phnum))
        .map(|i| {
            let base = i * u64::from(PHDR_SIZE);
            let field = |off: u64| t.u32_at(base + off).unwrap_or(0);
            ProgramHeader {
                p_type: field(0),
                p_offset: field(4),
                p_vaddr: field(8),
                p_paddr: field(12),
                p_filesz: field(16),
                p_memsz: field(20),
                p_flags: field(24),
            }
        })
        .collect())
}

/// Validates the PT_LOAD entries and copies their bytes; also finds where the program header
/// table lands in memory.
fn load_segments(
    r: &Reader<'_>,
    phdrs: &[ProgramHeader],
    phoff: u32,
    placement: LoadAddress,
) -> Result<(Vec<Segment>, Option<u32>), ElfError> {
    // (program header index, segment) so an overlap error can name both entries.
    let mut loaded: Vec<(u16, Segment)> = Vec::new();
    let mut phdr_addr = None;
    for (i, ph) in phdrs.iter().enumerate() {
        let index = u16::try_from(i).unwrap_or(u16::MAX);
        if ph.p_type == PT_PHDR {
            phdr_addr = Some(ph.p_vaddr);
        }
        if ph.p_type != PT_LOAD {
            continue;
        }
        let end = u64::from(ph.p_offset) + u64::from(ph.p_filesz);
        let data = r
            .range(u64::from(ph.p_offset), u64::from(ph.p_filesz))
            .ok_or(ElfError::SegmentBeyondFile {
                index,
                offset: ph.p_offset,
                end,
                len: r.bytes.len(),
            })?;
        if ph.p_filesz > ph.p_memsz {
            return Err(ElfError::FileSizeExceedsMemSize {
                index,
                file_size: ph.p_filesz,
                mem_size: ph.p_memsz,
            });
        }
        let addr = match placement {
            LoadAddress::Physical => ph.p_paddr,
            LoadAddress::Virtual => ph.p_vaddr,
        };
        if u64::from(addr) + u64::from(ph.p_memsz) > 1 << 32 {
            return Err(ElfError::AddressOverflow {
                index,
                addr,
                mem_size: ph.p_memsz,
            });
        }
        if ph.p_memsz == 0 {
            continue;
        }
        // A Linux loader finds the table through the PT_LOAD segment whose file bytes hold it.
        if phdr_addr.is_none() && ph.p_offset <= phoff && u64::from(phoff) < end {
            phdr_addr = Some(ph.p_vaddr.wrapping_add(phoff - ph.p_offset));
        }
        loaded.push((
            index,
            Segment {
                addr,
                data: data.to_vec(),
                mem_size: ph.p_memsz,
                flags: SegmentFlags {
                    read: ph.p_flags & 4 != 0,
                    write: ph.p_flags & 2 != 0,
                    execute: ph.p_flags & 1 != 0,
                },
            },
        ));
    }
    if loaded.is_empty() {
        return Err(ElfError::NoLoadableSegment);
    }
    loaded.sort_by_key(|(i, s)| (s.addr, *i));
    for pair in loaded.windows(2) {
        let (ia, a) = &pair[0];
        let (ib, b) = &pair[1];
        let a_end = u64::from(a.addr) + u64::from(a.mem_size);
        if a_end > u64::from(b.addr) {
            return Err(ElfError::OverlappingSegments {
                first: *ia,
                first_start: a.addr,
                first_end: a_end,
                second: *ib,
                second_start: b.addr,
                second_end: u64::from(b.addr) + u64::from(b.mem_size),
            });
        }
    }
    Ok((loaded.into_iter().map(|(_, s)| s).collect(), phdr_addr))
}

/// Reads the section header table (empty when the file has none).
fn section_headers(
    r: &Reader<'_>,
    shoff: u32,
    shentsize: u16,
    shnum: u16,
) -> Result<Vec<SectionHeader>, ElfError> {
    if shnum == 0 || shoff == 0 {
        return Ok(Vec::new());
    }
    if shentsize != SHDR_SIZE {
        return Err(ElfError::BadEntrySize {
            table: "section header",
            size: shentsize,
            expected: SHDR_SIZE,
            field_offset: 46,
        });
    }
    let end = u64::from(shoff) + u64::from(shnum) * u64::from(SHDR_SIZE);
    let table = r.range(u64::from(shoff), end - u64::from(shoff)).ok_or(
        ElfError::TruncatedSectionHeaders {
            offset: shoff,
            count: shnum,
            end,
            len: r.bytes.len(),
        },
    )?;
    let t = Reader { bytes: table };
    Ok((0..u64::from(shnum))
        .map(|i| {
            let base = i * u64::from(SHDR_SIZE);
            let field = |off: u64| t.u32_at(base + off).unwrap_or(0);
            SectionHeader {
                sh_name: field(0),
                sh_type: field(4),
                sh_flags: field(8),
                sh_addr: field(12),
                sh_offset: field(16),
                sh_size: field(20),
                sh_link: field(24),
            }
        })
        .collect())
}

/// Collects the named, defined symbols of every SHT_SYMTAB section, sorted by address.
fn symbols(r: &Reader<'_>, sections: &[SectionHeader]) -> Result<Vec<Symbol>, ElfError> {
    let mut out = Vec::new();
    for (si, sh) in sections.iter().enumerate() {
        if sh.sh_type != SHT_SYMTAB {
            continue;
        }
        let section = u32::try_from(si).unwrap_or(u32::MAX);
        let table = r
            .range(u64::from(sh.sh_offset), u64::from(sh.sh_size))
            .ok_or(ElfError::TruncatedSymbolTable {
                section,
                offset: sh.sh_offset,
                size: sh.sh_size,
                len: r.bytes.len(),
            })?;
        let strtab_header = usize::try_from(sh.sh_link)
            .ok()
            .and_then(|link| sections.get(link))
            .filter(|s| s.sh_type == SHT_STRTAB)
            .ok_or(ElfError::BadStringTableLink {
                section,
                link: sh.sh_link,
            })?;
        let strtab = r
            .range(
                u64::from(strtab_header.sh_offset),
                u64::from(strtab_header.sh_size),
            )
            .ok_or(ElfError::TruncatedStringTable {
                section: sh.sh_link,
                offset: strtab_header.sh_offset,
                size: strtab_header.sh_size,
                len: r.bytes.len(),
            })?;
        let t = Reader { bytes: table };
        let count = table.len() as u64 / SYM_SIZE;
        // Entry 0 is the reserved undefined symbol.
        for index in 1..count {
            let base = index * SYM_SIZE;
            let st_name = t.u32_at(base).unwrap_or(0);
            let st_value = t.u32_at(base + 4).unwrap_or(0);
            let st_size = t.u32_at(base + 8).unwrap_or(0);
            let st_info = t.u8_at(base + 12).unwrap_or(0);
            let st_shndx = t.u16_at(base + 14).unwrap_or(0);
            let kind = st_info & 0xf;
            if st_name == 0 || st_shndx == SHN_UNDEF || kind == STT_SECTION || kind == STT_FILE {
                continue;
            }
            let bad_name = ElfError::BadSymbolName {
                section,
                index: u32::try_from(index).unwrap_or(u32::MAX),
                name_offset: st_name,
                table_size: strtab_header.sh_size,
            };
            let tail = usize::try_from(st_name)
                .ok()
                .and_then(|start| strtab.get(start..))
                .ok_or_else(|| bad_name.clone())?;
            let len = tail.iter().position(|&b| b == 0).ok_or(bad_name)?;
            let name = &tail[..len];
            // Mapping symbols (`$x`, `$d`, `$xrv32i2p1...`; RISC-V psABI, "Mapping Symbol")
            // mark code and data, they do not name anything.
            if name.starts_with(b"$x") || name.starts_with(b"$d") {
                continue;
            }
            out.push(Symbol {
                name: String::from_utf8_lossy(name).into_owned(),
                addr: st_value,
                size: st_size,
                is_function: kind == STT_FUNC,
            });
        }
    }
    out.sort_by(|a, b| (a.addr, &a.name).cmp(&(b.addr, &b.name)));
    Ok(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;
    use proptest::prelude::*;

    /// A segment for [`build`]: address, file bytes, memory size, `p_flags`.
    pub struct Seg {
        pub addr: u32,
        pub data: Vec<u8>,
        pub mem_size: u32,
        pub flags: u32,
    }

    /// Builds a little ELF32 RISC-V executable: header, program headers, segment bytes, then
    /// `.symtab`, `.strtab` and the section header table.
    pub fn build(entry: u32, segs: &[Seg], syms: &[(&str, u32, u8)]) -> Vec<u8> {
        let mut out = vec![0u8; EHDR_SIZE];
        out[..4].copy_from_slice(b"\x7fELF");
        out[4] = 1;
        out[5] = 1;
        out[6] = 1;
        put16(&mut out, 16, ET_EXEC);
        put16(&mut out, 18, EM_RISCV);
        put32(&mut out, 20, 1);
        put32(&mut out, 24, entry);
        let phoff = out.len();
        put32(&mut out, 28, phoff as u32);
        put16(&mut out, 40, EHDR_SIZE as u16);
        put16(&mut out, 42, PHDR_SIZE);
        put16(&mut out, 44, segs.len() as u16);
        out.resize(phoff + segs.len() * 32, 0);
        for (i, s) in segs.iter().enumerate() {
            let data_off = out.len();
            out.extend_from_slice(&s.data);
            let ph = phoff + i * 32;
            put32(&mut out, ph, PT_LOAD);
            put32(&mut out, ph + 4, data_off as u32);
            put32(&mut out, ph + 8, s.addr);
            put32(&mut out, ph + 12, s.addr);
            put32(&mut out, ph + 16, s.data.len() as u32);
            put32(&mut out, ph + 20, s.mem_size);
            put32(&mut out, ph + 24, s.flags);
        }
        // .strtab
        let mut strtab = vec![0u8];
        let mut symtab = vec![0u8; 16];
        for (name, addr, kind) in syms {
            let mut sym = vec![0u8; 16];
            put32(&mut sym, 0, strtab.len() as u32);
            put32(&mut sym, 4, *addr);
            sym[12] = 0x10 | kind; // STB_GLOBAL
            put16(&mut sym, 14, 1);
            symtab.extend_from_slice(&sym);
            strtab.extend_from_slice(name.as_bytes());
            strtab.push(0);
        }
        let symtab_off = out.len();
        out.extend_from_slice(&symtab);
        let strtab_off = out.len();
        out.extend_from_slice(&strtab);
        let shoff = out.len();
        put32(&mut out, 32, shoff as u32);
        put16(&mut out, 46, SHDR_SIZE);
        put16(&mut out, 48, 3);
        out.resize(shoff + 3 * 40, 0);
        let sh1 = shoff + 40;
        put32(&mut out, sh1 + 4, SHT_SYMTAB);
        put32(&mut out, sh1 + 16, symtab_off as u32);
        put32(&mut out, sh1 + 20, symtab.len() as u32);
        put32(&mut out, sh1 + 24, 2);
        put32(&mut out, sh1 + 36, 16);
        let sh2 = shoff + 80;
        put32(&mut out, sh2 + 4, SHT_STRTAB);
        put32(&mut out, sh2 + 16, strtab_off as u32);
        put32(&mut out, sh2 + 20, strtab.len() as u32);
        out
    }

    fn put16(b: &mut [u8], at: usize, v: u16) {
        b[at..at + 2].copy_from_slice(&v.to_le_bytes());
    }

    fn put32(b: &mut [u8], at: usize, v: u32) {
        b[at..at + 4].copy_from_slice(&v.to_le_bytes());
    }

    fn get32(b: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
    }

    /// A typical two-segment program: text at 0x10000, data + bss at 0x11000.
    fn sample() -> Vec<u8> {
        build(
            0x10004,
            &[
                Seg {
                    addr: 0x10000,
                    data: vec![0x13, 0, 0, 0, 0x73, 0, 0, 0],
                    mem_size: 8,
                    flags: 5,
                },
                Seg {
                    addr: 0x11000,
                    data: vec![1, 2, 3, 4],
                    mem_size: 0x100,
                    flags: 6,
                },
            ],
            &[
                ("main", 0x10004, STT_FUNC),
                ("_start", 0x10000, STT_FUNC),
                ("tohost", 0x11000, 1),
                ("$xrv32i2p1", 0x10000, 0),
                ("$d", 0x11000, 0),
            ],
        )
    }

    /// The offset of program header `i` in a file from [`build`].
    fn ph(i: usize) -> usize {
        EHDR_SIZE + 32 * i
    }

    #[test]
    fn parses_a_valid_file() {
        let (img, headers) = Image::parse_with_headers(&sample()).unwrap();
        assert_eq!(img.entry, 0x10004);
        assert_eq!(img.segments.len(), 2);
        assert_eq!(img.segments[0].addr, 0x10000);
        assert_eq!(img.segments[0].data.len(), 8);
        assert!(img.segments[0].flags.execute && !img.segments[0].flags.write);
        assert_eq!(img.segments[1].mem_size, 0x100);
        assert!(img.segments[1].flags.write);
        let names: Vec<&str> = img.symbols.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["_start", "main", "tohost"]);
        assert!(img.symbols[0].is_function && !img.symbols[2].is_function);
        assert_eq!(img.symbol("tohost").unwrap().addr, 0x11000);
        assert_eq!(img.end(), 0x11100);
        assert_eq!(headers.count, 2);
        assert_eq!(headers.addr, None); // the table is not inside a segment's file bytes
    }

    #[test]
    fn segments_are_sorted_by_address() {
        let f = build(
            0,
            &[
                Seg {
                    addr: 0x2000,
                    data: vec![1],
                    mem_size: 1,
                    flags: 4,
                },
                Seg {
                    addr: 0x1000,
                    data: vec![2],
                    mem_size: 1,
                    flags: 4,
                },
            ],
            &[],
        );
        let img = Image::parse(&f).unwrap();
        assert_eq!(img.segments[0].addr, 0x1000);
        assert_eq!(img.segments[1].addr, 0x2000);
    }

    #[test]
    fn bad_magic() {
        let e = Image::parse(b"hello world").unwrap_err();
        assert_eq!(
            e,
            ElfError::BadMagic {
                found: b"hell".to_vec()
            }
        );
        assert!(e.to_string().contains("bad magic"));
        assert!(matches!(Image::parse(b""), Err(ElfError::BadMagic { .. })));
        assert!(matches!(
            Image::parse(b"\x7fEX"),
            Err(ElfError::BadMagic { .. })
        ));
    }

    #[test]
    fn truncated_header() {
        let f = sample();
        assert_eq!(
            Image::parse(&f[..40]),
            Err(ElfError::TruncatedHeader { len: 40 })
        );
        assert_eq!(
            Image::parse(&f[..3]),
            Err(ElfError::TruncatedHeader { len: 3 })
        );
    }

    #[test]
    fn wrong_class() {
        let mut f = sample();
        f[4] = 2;
        let e = Image::parse(&f).unwrap_err();
        assert!(matches!(e, ElfError::WrongClass { class: 2, .. }));
        assert!(e.to_string().contains("ELF64"));
    }

    #[test]
    fn wrong_data_encoding() {
        let mut f = sample();
        f[5] = 2;
        assert_eq!(
            Image::parse(&f),
            Err(ElfError::WrongDataEncoding { encoding: 2 })
        );
    }

    #[test]
    fn wrong_machine() {
        let mut f = sample();
        put16(&mut f, 18, 62); // EM_X86_64
        assert_eq!(
            Image::parse(&f),
            Err(ElfError::WrongMachine { machine: 62 })
        );
    }

    #[test]
    fn not_executable() {
        let mut f = sample();
        put16(&mut f, 16, 1);
        let e = Image::parse(&f).unwrap_err();
        assert!(matches!(e, ElfError::NotExecutable { e_type: 1, .. }));
        assert!(e.to_string().contains("ET_REL"));
    }

    #[test]
    fn bad_entry_sizes() {
        let mut f = sample();
        put16(&mut f, 42, 56);
        assert!(matches!(
            Image::parse(&f),
            Err(ElfError::BadEntrySize {
                size: 56,
                expected: 32,
                ..
            })
        ));
        let mut f = sample();
        put16(&mut f, 46, 64);
        assert!(matches!(
            Image::parse(&f),
            Err(ElfError::BadEntrySize {
                size: 64,
                expected: 40,
                ..
            })
        ));
    }

    #[test]
    fn truncated_program_headers() {
        let mut f = sample();
        put16(&mut f, 44, 0xffff);
        let e = Image::parse(&f).unwrap_err();
        assert!(matches!(
            e,
            ElfError::TruncatedProgramHeaders {
                offset: 52,
                count: 0xffff,
                ..
            }
        ));
        let mut f = sample();
        put32(&mut f, 28, u32::MAX);
        assert!(matches!(
            Image::parse(&f),
            Err(ElfError::TruncatedProgramHeaders { .. })
        ));
    }

    #[test]
    fn truncated_section_headers() {
        let f = sample();
        let shoff = get32(&f, 32) as usize;
        let cut = &f[..shoff + 50];
        let e = Image::parse(cut).unwrap_err();
        assert_eq!(
            e,
            ElfError::TruncatedSectionHeaders {
                offset: shoff as u32,
                count: 3,
                end: shoff as u64 + 120,
                len: shoff + 50
            }
        );
    }

    #[test]
    fn truncated_symbol_and_string_tables() {
        let f = sample();
        let shoff = get32(&f, 32) as usize;
        let mut g = f.clone();
        put32(&mut g, shoff + 40 + 20, 0x10_0000);
        assert!(matches!(
            Image::parse(&g),
            Err(ElfError::TruncatedSymbolTable { section: 1, .. })
        ));
        let mut g = f.clone();
        put32(&mut g, shoff + 80 + 16, 0xffff_fff0);
        assert!(matches!(
            Image::parse(&g),
            Err(ElfError::TruncatedStringTable { section: 2, .. })
        ));
        let mut g = f.clone();
        put32(&mut g, shoff + 40 + 24, 7);
        assert_eq!(
            Image::parse(&g),
            Err(ElfError::BadStringTableLink {
                section: 1,
                link: 7
            })
        );
        let mut g = f;
        let symtab = get32(&g, shoff + 40 + 16) as usize;
        put32(&mut g, symtab + 16, 0x9999);
        assert!(matches!(
            Image::parse(&g),
            Err(ElfError::BadSymbolName {
                section: 1,
                index: 1,
                name_offset: 0x9999,
                ..
            })
        ));
    }

    #[test]
    fn segment_beyond_file() {
        let mut f = sample();
        put32(&mut f, ph(1) + 16, 0x10_0000);
        put32(&mut f, ph(1) + 20, 0x10_0000);
        assert!(matches!(
            Image::parse(&f),
            Err(ElfError::SegmentBeyondFile { index: 1, .. })
        ));
        let mut f = sample();
        put32(&mut f, ph(0) + 4, u32::MAX);
        assert!(matches!(
            Image::parse(&f),
            Err(ElfError::SegmentBeyondFile { index: 0, .. })
        ));
    }

    #[test]
    fn file_size_exceeds_mem_size() {
        let mut f = sample();
        put32(&mut f, ph(0) + 20, 4);
        assert_eq!(
            Image::parse(&f),
            Err(ElfError::FileSizeExceedsMemSize {
                index: 0,
                file_size: 8,
                mem_size: 4
            })
        );
    }

    #[test]
    fn address_overflow() {
        let mut f = sample();
        put32(&mut f, ph(1) + 12, 0xffff_ff80);
        let e = Image::parse(&f).unwrap_err();
        assert_eq!(
            e,
            ElfError::AddressOverflow {
                index: 1,
                addr: 0xffff_ff80,
                mem_size: 0x100
            }
        );
        // Ending exactly at the top of the address space is fine.
        let mut f = sample();
        put32(&mut f, ph(1) + 12, 0xffff_ff00);
        assert!(Image::parse(&f).is_ok());
    }

    #[test]
    fn overlapping_segments() {
        let mut f = sample();
        put32(&mut f, ph(1) + 12, 0x10004);
        let e = Image::parse(&f).unwrap_err();
        assert_eq!(
            e,
            ElfError::OverlappingSegments {
                first: 0,
                first_start: 0x10000,
                first_end: 0x10008,
                second: 1,
                second_start: 0x10004,
                second_end: 0x10104,
            }
        );
        assert!(e.to_string().contains("segments 0"));
    }

    #[test]
    fn no_loadable_segment() {
        let f = build(0, &[], &[]);
        assert_eq!(Image::parse(&f), Err(ElfError::NoLoadableSegment));
        let mut f = sample();
        put32(&mut f, ph(0), 4); // PT_NOTE
        put32(&mut f, ph(1), 0);
        assert_eq!(Image::parse(&f), Err(ElfError::NoLoadableSegment));
    }

    #[test]
    fn phdr_address_from_the_segment_that_holds_it() {
        // A segment whose file bytes start at offset 0 holds the headers, as ld lays text out.
        let mut f = sample();
        put32(&mut f, ph(0) + 4, 0);
        put32(&mut f, ph(0) + 16, 0x60);
        put32(&mut f, ph(0) + 20, 0x60);
        let (_, headers) = Image::parse_with_headers(&f).unwrap();
        assert_eq!(headers.addr, Some(0x10000 + 52));
        assert_eq!(headers.entry_size, 32);
    }

    #[test]
    fn physical_and_virtual_placement() {
        let mut f = sample();
        put32(&mut f, ph(1) + 12, 0x2_0000); // p_paddr apart from p_vaddr
        assert_eq!(Image::parse(&f).unwrap().segments[1].addr, 0x2_0000);
        let (img, _) = Image::parse_virtual(&f).unwrap();
        assert_eq!(img.segments[1].addr, 0x1_1000);
        // Overlap and overflow checks use the chosen address.
        put32(&mut f, ph(1) + 8, 0x1_0004);
        assert!(Image::parse(&f).is_ok());
        assert!(matches!(
            Image::parse_virtual(&f),
            Err(ElfError::OverlappingSegments { .. })
        ));
    }

    #[test]
    fn allocated_sections() {
        let mut f = sample();
        let shoff = get32(&f, 32) as usize;
        assert_eq!(sections(&f).unwrap(), []);
        // Mark the string table SHF_ALLOC | SHF_EXECINSTR at 0x4000 and name it through itself.
        put32(&mut f, shoff + 80 + 8, 6);
        put32(&mut f, shoff + 80 + 12, 0x4000);
        put32(&mut f, shoff + 80, 1); // "main"
        put16(&mut f, 50, 2);
        let s = sections(&f).unwrap();
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].name, "main");
        assert_eq!(s[0].addr, 0x4000);
        assert!(s[0].executable);
        assert_eq!(s[0].data.len() as u32, s[0].size);
        put32(&mut f, shoff + 80 + 20, 0xffff);
        assert!(matches!(
            sections(&f),
            Err(ElfError::TruncatedStringTable { section: 2, .. })
        ));
    }

    #[test]
    fn every_single_byte_mutation_is_handled() {
        let f = sample();
        for i in 0..f.len() {
            for v in [0x00, 0x01, 0x7f, 0x80, 0xff] {
                let mut g = f.clone();
                g[i] = v;
                let _ = Image::parse(&g);
                let _ = Image::parse_virtual(&g);
                let _ = sections(&g);
            }
        }
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = Image::parse(&bytes);
            let _ = sections(&bytes);
        }

        #[test]
        fn elf_like_bytes_never_panic(tail in proptest::collection::vec(any::<u8>(), 0..400)) {
            let mut bytes = sample()[..16].to_vec();
            bytes.extend_from_slice(&tail);
            let _ = Image::parse(&bytes);
        }

        #[test]
        fn mutated_valid_files_never_panic(
            edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
            cut in any::<usize>(),
        ) {
            let mut f = sample();
            for (at, v) in edits {
                let i = at % f.len();
                f[i] = v;
            }
            let cut = cut % (f.len() + 1);
            let _ = Image::parse(&f);
            let _ = Image::parse_virtual(&f[..cut]);
            let _ = sections(&f);
            let _ = sections(&f[..cut]);
        }

        #[test]
        fn mutated_header_words_never_panic(field in 0usize..13, value in any::<u32>()) {
            let mut f = sample();
            let at = 16 + field * 4;
            put32(&mut f, at.min(48), value);
            if let Ok(img) = Image::parse(&f) {
                for pair in img.segments.windows(2) {
                    prop_assert!(u64::from(pair[0].addr) + u64::from(pair[0].mem_size)
                        <= u64::from(pair[1].addr));
                }
            }
        }
    }
}
