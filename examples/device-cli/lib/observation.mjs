// A blood-pressure reading as a FHIR R4 Observation (the vital-signs blood pressure panel, LOINC 85354-9).
import { randomInt } from 'node:crypto';
import { CliError, EXIT } from './ui.mjs';

const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';

const mmHg = (value) => ({ value, unit: 'mmHg', system: UCUM, code: 'mm[Hg]' });

function component(code, display, value) {
  return { code: { coding: [{ system: LOINC, code, display }], text: display }, valueQuantity: mmHg(value) };
}

/** The reading to upload: from --systolic/--diastolic, or simulated when neither is given. */
export function readingFrom(options) {
  if (options.systolic === undefined && options.diastolic === undefined) {
    const systolic = randomInt(112, 136);
    return { systolic, diastolic: randomInt(70, Math.min(88, systolic - 30)), simulated: true };
  }
  const systolic = Number(options.systolic);
  const diastolic = Number(options.diastolic);
  if (options.systolic === undefined || options.diastolic === undefined) throw new CliError('Give both --systolic and --diastolic (or neither, to simulate a reading).', EXIT.usage);
  if (!Number.isInteger(systolic) || systolic < 50 || systolic > 300) throw new CliError('--systolic must be a whole number of mmHg between 50 and 300.', EXIT.usage);
  if (!Number.isInteger(diastolic) || diastolic < 30 || diastolic > 200) throw new CliError('--diastolic must be a whole number of mmHg between 30 and 200.', EXIT.usage);
  if (diastolic >= systolic) throw new CliError('--diastolic must be lower than --systolic.', EXIT.usage);
  return { systolic, diastolic, simulated: false };
}

export function bloodPressureObservation({ systolic, diastolic }, deviceName, at = new Date()) {
  return {
    resourceType: 'Observation',
    status: 'final',
    category: [
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs', display: 'Vital Signs' }] },
    ],
    code: { coding: [{ system: LOINC, code: '85354-9', display: 'Blood pressure panel with all children optional' }], text: 'Blood pressure' },
    effectiveDateTime: at.toISOString(),
    device: { display: deviceName },
    component: [component('8480-6', 'Systolic blood pressure', systolic), component('8462-4', 'Diastolic blood pressure', diastolic)],
  };
}
