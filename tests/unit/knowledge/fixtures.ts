import { PDFDocument, StandardFonts } from 'pdf-lib'
import { Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow } from 'docx'
import ExcelJS from 'exceljs'

/** Real files made by independent libraries, so the parsers are tested against what other tools write. */

export async function makePdf(pages: string[][], title?: string): Promise<Buffer> {
  const doc = await PDFDocument.create()
  if (title) doc.setTitle(title)
  const font = await doc.embedFont(StandardFonts.Helvetica)
  for (const lines of pages) {
    const page = doc.addPage([595, 842])
    lines.forEach((line, i) => page.drawText(line, { x: 50, y: 780 - i * 20, size: 12, font }))
  }
  return Buffer.from(await doc.save())
}

export async function makeDocx(): Promise<Buffer> {
  const doc = new Document({
    sections: [
      {
        children: [
          new Paragraph({ text: 'Travel Guide', heading: HeadingLevel.TITLE }),
          new Paragraph({ text: 'Tickets', heading: HeadingLevel.HEADING_1 }),
          new Paragraph('Adult tickets cost 88 yuan at the gate.'),
          new Paragraph({ text: 'Discounts', heading: HeadingLevel.HEADING_2 }),
          new Paragraph('学生凭学生证半价。'),
          new Paragraph({ text: 'Opening hours', heading: HeadingLevel.HEADING_1 }),
          new Paragraph('Open daily from 8:00 to 17:30.'),
          new Table({
            rows: [
              new TableRow({ children: [new TableCell({ children: [new Paragraph('Season')] }), new TableCell({ children: [new Paragraph('Hours')] })] }),
              new TableRow({ children: [new TableCell({ children: [new Paragraph('Summer')] }), new TableCell({ children: [new Paragraph('8-18')] })] })
            ]
          })
        ]
      }
    ]
  })
  return Buffer.from(await Packer.toBuffer(doc))
}

export async function makeXlsx(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  const prices = wb.addWorksheet('Prices')
  prices.addRow(['Item', 'Price', 'Note'])
  prices.addRow(['门票', 88, '成人'])
  prices.addRow(['Audio guide', 20, null])
  const staff = wb.addWorksheet('Staff')
  staff.addRow(['Name', 'Role'])
  staff.addRow(['Alice', 'Guide'])
  return Buffer.from(await wb.xlsx.writeBuffer())
}
