/**
 * Option parsers for the scripts' command lines (commander's argParser): a whole number of at
 * least `min`, or InvalidArgumentError, which commander prints with the option's name.
 */
import { InvalidArgumentError } from 'commander';

export function wholeAtLeast(min: number): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(`expected a whole number of at least ${min}`);
    return n;
  };
}

/** A whole number of 1 or more. */
export const positiveInt = wholeAtLeast(1);
