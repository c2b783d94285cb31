import { createContext, useContext } from 'react';
import { EN, type Messages } from './messages.js';

/** The language the screens speak, chosen once at start-up (--lang, LC_ALL, LANG). */
export const MessagesContext = createContext<Messages>(EN);

export function useMessages(): Messages {
  return useContext(MessagesContext);
}
