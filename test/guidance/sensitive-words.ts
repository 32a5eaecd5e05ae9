/** Words that reveal a sensitive decline reason; none may appear in customer-facing text. */
export const SENSITIVE_WORDS: readonly RegExp[] = [
  // en
  /\blost\b/i,
  /\bstolen\b/i,
  /fraud/i,
  /pick[- ]?up/i,
  /\bcaptur/i,
  /counterfeit/i,
  /\bsecurity\b/i,
  /confiscat/i,
  /\bretain/i,
  // de
  /verloren/i,
  /gestohlen/i,
  /betrug/i,
  /betrüg/i,
  /einzieh/i,
  /einbehalt/i,
  /gefälscht/i,
  /sicherheit/i,
  // fr
  /\bperdue?\b/i,
  /\bvolée?\b/i,
  /fraude/i,
  /confisqu/i,
  /contrefa/i,
  /sécurité/i,
  /capturée?/i,
  // ru
  /утерян/i,
  /утрачен/i,
  /потерян/i,
  /украд/i,
  /мошен/i,
  /изъят/i,
  /поддел/i,
  /безопасн/i,
  // fi
  /varastet/i,
  /kadonnut/i,
  /kadotet/i,
  /petos/i,
  /väärenn/i,
  /pidätet/i,
  /turvallisuu/i,
  // zh
  /挂失/,
  /被盗/,
  /盗/,
  /欺诈/,
  /诈骗/,
  /没收/,
  /吞卡/,
  /伪造/,
  /扣留/,
  /安全/,
];

export function sensitiveHits(text: string): string[] {
  return SENSITIVE_WORDS.filter((re) => re.test(text)).map(String);
}
