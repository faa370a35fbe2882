import { v7 as uuidv7 } from 'uuid';

/** A time-ordered unique id (UUIDv7): sorting ids sorts by creation time, which cursor pagination relies on. */
export function newId(): string {
  return uuidv7();
}
