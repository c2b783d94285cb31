/**
 * Shown next to every parse failure: the records team fixes names faster when the target shape and a
 * real-looking example sit beside the message that says what is wrong.
 */
export const EXPECTED_FILENAME_FORMAT = '[EXPEDIENTE]_[APELLIDOS, NOMBRES]_[NUMERO]_[TIPO].pdf';

export const FILENAME_EXAMPLE = '3000003799_GARZA TIJERINA, MARIA ESTHER_6001467010_CONS.pdf';
