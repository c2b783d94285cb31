// Synthetic clinical-sounding Spanish for benchmarks: invented sentences, no patient data.
const SENTENCES = [
  'Paciente femenina de 54 años que acude a consulta por dolor abdominal de tres días de evolución.',
  'Refiere náusea, vómito en dos ocasiones y disminución del apetito.',
  'Antecedentes de hipertensión arterial sistémica en tratamiento con losartán 50 mg cada 24 horas.',
  'A la exploración física se encuentra consciente, orientada, con mucosas hidratadas.',
  'Abdomen blando, depresible, doloroso a la palpación en epigastrio, sin datos de irritación peritoneal.',
  'Signos vitales: tensión arterial 130/85 mmHg, frecuencia cardiaca 88 lpm, temperatura 36.8 °C.',
  'Se solicita biometría hemática, química sanguínea y examen general de orina.',
  'Glucosa en ayuno de 142 mg/dL; hemoglobina glucosilada de 7.4 %.',
  'Se inicia tratamiento con omeprazol 20 mg cada 12 horas y dieta blanda.',
  'Radiografía de tórax sin alteraciones; campos pulmonares bien ventilados.',
  'Se indica cita de control en dos semanas con resultados de laboratorio.',
  'El ultrasonido de hígado y vías biliares muestra litiasis vesicular sin engrosamiento de la pared.',
  'Niega alergias a medicamentos. Niega tabaquismo y alcoholismo.',
  'Diagnóstico: gastritis aguda; descartar colecistitis crónica litiásica.',
];

/** Deterministic text of about `length` characters built from the sentences above. */
export function syntheticSpanishText(length: number, seed = 1): string {
  let state = seed >>> 0 || 1;
  const parts: string[] = [];
  let total = 0;
  while (total < length) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const sentence = SENTENCES[state % SENTENCES.length] ?? '';
    parts.push(sentence);
    total += sentence.length + 1;
  }
  return parts.join(' ').slice(0, length);
}
