import type { CatalogData } from './types.js';

/** Suomi. Kassalle käskymuoto (sinä), asiakkaalle kohteliaat -han/-hän-muodot ja passiivi. */
export const fi: CatalogData = {
  lang: 'fi',
  decimalSeparator: ',',
  entries: {
    'cat.approved': {
      title: 'Hyväksytty',
      cashier: 'Maksu hyväksytty.',
      customer: 'Kiitos, maksu onnistui.',
      steps: ['Anna kuitti asiakkaalle.'],
    },
    'cat.insufficient_funds': {
      title: 'Kate ei riitä',
      cashier: 'Hylätty: kate ei riitä. Pyydä toinen kortti.',
      customer: 'Pankkisi hylkäsi maksun. Kokeile toista korttia tai pienempää summaa.',
      steps: ['Tarjoa toista korttia tai maksutapaa.', 'Pienempi summa voi mennä läpi samalla kortilla.'],
    },
    'cat.card_problem': {
      title: 'Korttiongelma',
      cashier: 'Kortissa on ongelma. Pyydä toinen kortti.',
      customer: 'Tässä kortissa on ongelma. Maksathan toisella kortilla tai muulla tavalla.',
      steps: ['Tarjoa toista korttia tai maksutapaa.', 'Asiakas voi kysyä asiasta pankistaan.'],
    },
    'cat.cardholder_verification': {
      title: 'Tunnistus epäonnistui',
      cashier: 'Kortinhaltijan tunnistus epäonnistui. Yritä uudelleen.',
      customer: 'Korttia ei voitu vahvistaa. Yritä uudelleen tai käytä toista korttia.',
      steps: ['Aloita maksu alusta.', 'Jos se epäonnistuu taas, pyydä toinen kortti.'],
    },
    'cat.issuer_decline': {
      title: 'Pankki hylkäsi',
      cashier: 'Kortin pankki hylkäsi maksun. Pyydä toinen kortti.',
      customer: 'Pankkisi hylkäsi maksun. Käytäthän toista korttia tai maksutapaa.',
      steps: ['Tarjoa toista korttia tai maksutapaa.', 'Syyn tietää vain asiakkaan pankki.'],
    },
    'cat.network': {
      title: 'Yhteysongelma',
      cashier: 'Yhteysongelma. Yritä kerran uudelleen.',
      customer: 'Meillä on yhteysongelma. Yritetään vielä kerran.',
      steps: [
        'Yritä maksua kerran uudelleen.',
        'Jos se epäonnistuu taas, tarkista verkko tai tarjoa toista maksutapaa.',
      ],
    },
    'cat.merchant_setup': {
      title: 'Päätteen asetukset',
      cashier: 'Päätteen asetuksissa on vika. Soita maksupalvelun tukeen.',
      customer:
        'Valitettavasti maksupäätteemme ei juuri nyt voi ottaa tätä maksua vastaan. Onnistuisiko maksu jollain muulla tavalla?',
      steps: ['Ota vastaan toinen maksutapa.', 'Soita maksupalvelun tukeen ja kerro päätteen tunnus.'],
    },
    'cat.system_fault': {
      title: 'Järjestelmävirhe',
      cashier: 'Järjestelmävirhe. Yritä kerran uudelleen.',
      customer: 'Pahoittelut, tapahtui tekninen virhe. Yritetään vielä kerran.',
      steps: ['Yritä kerran uudelleen.', 'Jos se epäonnistuu taas, soita maksupalvelun tukeen.'],
    },
    'cat.unknown': {
      title: 'Hylätty',
      cashier: 'Hylätty (tuntematon koodi). Pyydä toinen maksutapa.',
      steps: ['Tarjoa toista korttia tai maksutapaa.', 'Ilmoita koodi maksupalvelun tukeen.'],
    },

    check_id: {
      title: 'Tarkista henkilöllisyys',
      cashier: 'Hyväksytty: tarkista ensin asiakkaan henkilöllisyys.',
      customer: 'Kiitos. Saisinko nähdä henkilöllisyystodistuksen?',
      steps: ['Vertaa todistuksen ja kortin nimeä.', 'Jos ne eivät täsmää, peru maksu.'],
    },
    partial_approval: {
      title: 'Osittain hyväksytty',
      cashier: 'Vain osa summasta hyväksyttiin. Peri loput muulla tavalla.',
      customer: 'Vain osa summasta hyväksyttiin. Miten haluaisit maksaa loput?',
      steps: ['Tarkista hyväksytty summa kuitista.', 'Peri loput toisella kortilla tai käteisellä.'],
    },
    refer_issuer: {
      title: 'Soita pankkiin',
      cashier: 'Pankki pyytää soittamaan. Anna asiakkaalle pankin soitto-ohje.',
      customer: 'Pankkisi haluaa puhua kanssasi. Soitathan kortin takana olevaan numeroon.',
      steps: [
        'Tulosta asiakkaalle ohje pankkiin soittamista varten.',
        'Yritä uudelleen vasta, kun pankki on hyväksynyt maksun.',
      ],
    },
    do_not_honour: {
      title: 'Hylätty',
      cashier: 'Pankki hylkäsi maksun. Pyydä toinen kortti.',
      customer: 'Pankkisi hylkäsi maksun. Käytäthän toista korttia tai maksutapaa.',
      steps: ['Tarjoa toista korttia tai maksutapaa.', 'Syyn voi kertoa vain pankki.'],
    },
    pickup: {
      title: 'Hylätty: lopeta',
      cashier: 'Hylätty. Älä yritä uudelleen. Pysy rauhallisena, toimi ohjeen mukaan.',
      steps: [
        'Pyydä kohteliaasti toista maksutapaa.',
        'Älä yritä tällä kortilla uudelleen äläkä arvaile syytä.',
        'Pidätä kortti vain, jos myymälän ohje niin määrää.',
      ],
    },
    security_decline: {
      title: 'Hylätty: lopeta',
      cashier: 'Hylätty. Älä yritä uudelleen. Pyydä toista maksutapaa.',
      steps: [
        'Pyydä kohteliaasti toista maksutapaa.',
        'Älä yritä tällä kortilla uudelleen äläkä arvaile syytä.',
        'Epäselvissä tilanteissa soita maksupalvelun tukeen.',
      ],
    },
    stop_payment: {
      title: 'Maksu estetty',
      cashier: 'Kortinhaltija on estänyt nämä maksut. Pyydä toinen maksutapa.',
      customer: 'Pankkisi on pysäyttänyt tämän maksun. Käytäthän toista maksutapaa.',
      steps: ['Älä yritä tällä kortilla uudelleen.', 'Asiakas voi selvittää asian pankkinsa kanssa.'],
    },
    blocked_by_cardholder: {
      title: 'Estetty kortin asetuksissa',
      cashier: 'Maksu on estetty kortin asetuksissa. Pyydä toinen kortti.',
      customer:
        'Korttisi asetukset estivät tämän maksun. Voit muuttaa niitä pankkisovelluksessa tai käyttää toista korttia.',
      steps: [
        'Asiakas voi tarkistaa asetukset pankkisovelluksesta.',
        'Yritä uudelleen, kun esto on poistettu.',
      ],
    },
    not_permitted: {
      title: 'Ei sallittu',
      cashier: 'Korttia ei voi käyttää tähän ostokseen. Pyydä toinen kortti.',
      customer: 'Tätä korttia ei voi käyttää tähän ostokseen. Käytäthän toista korttia tai maksutapaa.',
      steps: ['Tarjoa toista korttia tai maksutapaa.'],
    },
    insufficient_funds: {
      title: 'Kate ei riitä',
      cashier: 'Hylätty: kate ei riitä. Tarjoa toista korttia tai pienempää summaa.',
      customer: 'Pankkisi hylkäsi maksun. Kokeile toista korttia tai pienempää summaa.',
      steps: [
        'Tarjoa toista korttia tai maksutapaa.',
        'Pienempi summa voi mennä läpi samalla kortilla.',
        'Älä yritä koko summaa tällä kortilla uudelleen tänään.',
      ],
    },
    limit_exceeded: {
      title: 'Käyttöraja täynnä',
      cashier: 'Kortin käyttöraja on täynnä. Tarjoa toista korttia tai pienempää summaa.',
      customer: 'Maksu ylittää korttisi käyttörajan. Kokeile toista korttia tai pienempää summaa.',
      steps: ['Tarjoa toista korttia tai maksutapaa.', 'Asiakas voi pyytää pankkiaan nostamaan käyttörajaa.'],
    },
    no_account: {
      title: 'Tiliä ei löydy',
      cashier: 'Tilityyppiä ei ole kortilla. Pyydä toinen tili tai kortti.',
      customer:
        'Korttiisi ei ole liitetty tämän tyyppistä tiliä. Valitse toinen tili tai käytä toista korttia.',
      steps: ['Aloita alusta ja anna asiakkaan valita toinen tili.', 'Tai pyydä toinen kortti.'],
    },
    expired_card: {
      title: 'Kortti vanhentunut',
      cashier: 'Kortti on vanhentunut. Pyydä toinen kortti.',
      customer: 'Tämä kortti on vanhentunut. Käytäthän toista korttia.',
      steps: ['Tarjoa toista korttia tai maksutapaa.'],
    },
    invalid_card: {
      title: 'Kortti ei kelpaa',
      cashier: 'Korttia ei tunnistettu. Pyydä toinen kortti.',
      customer: 'Tätä korttia ei voi käyttää. Käytäthän toista korttia tai maksutapaa.',
      steps: ['Tarjoa toista korttia tai maksutapaa.', 'Älä yritä tällä kortilla uudelleen.'],
    },
    card_not_active: {
      title: 'Korttia ei otettu käyttöön',
      cashier: 'Korttia ei ole vielä otettu käyttöön. Pyydä toinen kortti.',
      customer:
        'Korttiasi ei näytä olevan vielä otettu käyttöön. Ota se käyttöön pankissasi tai käytä toista korttia.',
      steps: ['Tarjoa toista korttia tai maksutapaa.', 'Yritä uudelleen, kun kortti on otettu käyttöön.'],
    },
    incorrect_pin: {
      title: 'Väärä PIN-koodi',
      cashier: 'Väärä PIN-koodi. Anna asiakkaan syöttää se uudelleen.',
      customer: 'PIN-koodi oli väärä. Yritäthän uudelleen.',
      steps: [
        'Aloita maksu alusta, asiakas syöttää PIN-koodin uudelleen.',
        'Liian monen väärän yrityksen jälkeen kortti lukittuu: tarjoa silloin toista korttia.',
      ],
    },
    pin_tries_exceeded: {
      title: 'PIN-yritykset käytetty',
      cashier: 'Liian monta PIN-yritystä. Pyydä toinen kortti.',
      customer:
        'PIN-koodi syötettiin väärin liian monta kertaa. Käytäthän toista korttia; pankkisi voi avata PIN-koodin lukituksen.',
      steps: ['Tarjoa toista korttia tai maksutapaa.', 'Älä yritä tällä kortilla uudelleen.'],
    },
    chip_pin_required: {
      title: 'Siru ja PIN-koodi',
      cashier: 'Pankki vaatii sirun ja PIN-koodin. Pyydä asettamaan kortti lukijaan.',
      customer: 'Aseta kortti lukijaan ja syötä PIN-koodisi.',
      steps: ['Aloita maksu alusta.', 'Asiakas asettaa kortin lukijaan ja syöttää PIN-koodin.'],
    },
    verification_failed: {
      title: 'Kortin tarkistus epäonnistui',
      cashier: 'Kortin tarkistus epäonnistui. Pyydä toinen kortti.',
      customer: 'Korttia ei voitu tarkistaa. Käytäthän toista korttia tai maksutapaa.',
      steps: ['Tarjoa toista korttia tai maksutapaa.', 'Asiakas voi kysyä asiasta pankistaan.'],
    },
    cashback_refused: {
      title: 'Ei käteisnostoa',
      cashier: 'Käteisnosto hylättiin. Tee pelkkä ostos.',
      customer: 'Tällä kortilla ei valitettavasti voi nostaa käteistä. Voimme veloittaa pelkän ostoksen.',
      steps: ['Aloita alusta ilman käteisnostoa.', 'Anna käteistä vain hyväksytyn maksun jälkeen.'],
    },
    offline_declined: {
      title: 'Kortti hylkäsi',
      cashier: 'Kortti hylkäsi maksun offline-tilassa. Pyydä toinen kortti.',
      customer: 'Kortti hylkäsi maksun. Käytäthän toista korttia tai maksutapaa.',
      steps: ['Tarjoa toista korttia tai maksutapaa.'],
    },
    merchant_setup: {
      title: 'Päätteen asetukset',
      cashier: 'Päätettä ei ole määritetty tähän. Soita maksupalvelun tukeen.',
      customer:
        'Valitettavasti maksupäätteemme ei juuri nyt voi ottaa tätä maksua vastaan. Onnistuisiko maksu jollain muulla tavalla?',
      steps: [
        'Ota toistaiseksi vastaan toinen maksutapa.',
        'Soita maksupalvelun tukeen ja kerro päätteen tunnus ja koodi.',
      ],
    },
    invalid_amount: {
      title: 'Summa hylätty',
      cashier: 'Summa hylättiin. Tarkista summa ja yritä uudelleen.',
      customer: 'Pahoittelut, summassa oli jokin vika. Yritetään uudelleen.',
      steps: ['Tarkista summa ja valuutta.', 'Aloita maksu alusta.'],
    },
    try_again: {
      title: 'Yritä uudelleen',
      cashier: 'Tee maksu uudelleen.',
      customer: 'Pahoittelut, yritetään vielä kerran.',
      steps: ['Yritä maksua kerran uudelleen.', 'Jos se epäonnistuu taas, tarjoa toista maksutapaa.'],
    },
    issuer_unavailable: {
      title: 'Pankkiin ei yhteyttä',
      cashier: 'Kortin pankkiin ei saada yhteyttä. Yritä kerran uudelleen.',
      customer: 'Pankkiisi ei juuri nyt saada yhteyttä. Yritetään vielä kerran.',
      steps: ['Yritä maksua kerran uudelleen.', 'Jos se epäonnistuu taas, tarjoa toista maksutapaa.'],
    },
    system_error: {
      title: 'Järjestelmävirhe',
      cashier: 'Järjestelmävirhe. Yritä maksua kerran uudelleen.',
      customer: 'Pahoittelut, tapahtui tekninen virhe. Yritetään vielä kerran.',
      steps: ['Yritä kerran uudelleen.', 'Jos se epäonnistuu taas, soita maksupalvelun tukeen.'],
    },
    cutover: {
      title: 'Pankin päivänvaihto',
      cashier: 'Pankissa on päivänvaihto. Yritä uudelleen muutaman minuutin päästä.',
      customer: 'Pankin järjestelmä on hetken varattuna. Odotathan hetken, tai voit maksaa toisella tavalla.',
      steps: ['Odota muutama minuutti ja yritä uudelleen.', 'Tai ota vastaan toinen maksutapa.'],
    },
    duplicate: {
      title: 'Mahdollinen tuplaveloitus',
      cashier: 'Mahdollinen tuplaveloitus. Tarkista edellinen maksu ensin.',
      customer: 'Hetkinen, tarkistan, ettei maksua veloitettu kahdesti.',
      steps: [
        'Tarkista päätteen viimeisimmät tapahtumat.',
        'Yritä uudelleen vain, jos ensimmäinen maksu epäonnistui.',
      ],
    },
    in_progress: {
      title: 'Käsittelyssä',
      cashier: 'Maksu on vielä käsittelyssä. Odota, älä aloita uutta.',
      customer: 'Maksu on vielä käsittelyssä. Hetkinen vain.',
      steps: ['Odota tulosta.', 'Älä aloita uutta maksua ennen sitä.'],
    },
    host_timeout: {
      title: 'Ei vastausta',
      cashier: 'Pankki ei vastannut. Yritä kerran uudelleen.',
      customer: 'Pankki ei vastannut ajoissa. Yritetään vielä kerran.',
      steps: [
        'Yritä maksua kerran uudelleen.',
        'Jos se epäonnistuu taas, tarkista yhteys tai tarjoa toista maksutapaa.',
      ],
    },
    link_down: {
      title: 'Ei yhteyttä',
      cashier: 'Ei yhteyttä pankkiin. Tarkista verkko ja yritä uudelleen.',
      customer: 'Meillä on yhteysongelma. Hetkinen vain.',
      steps: [
        'Tarkista verkkokaapeli tai Wi-Fi.',
        'Yritä uudelleen, kun yhteys toimii, tai ota vastaan toinen maksutapa.',
      ],
    },
    card_read_error: {
      title: 'Korttia ei luettu',
      cashier: 'Korttia ei voitu lukea. Kokeile sirua, lähimaksua tai raitaa.',
      customer: 'Korttia ei voitu lukea. Yritäthän uudelleen.',
      steps: [
        'Yritä uudelleen sirulla, lähimaksulla tai magneettiraidalla.',
        'Jos se ei vieläkään onnistu, pyydä toinen kortti.',
      ],
    },
    card_removed: {
      title: 'Kortti poistettiin liian aikaisin',
      cashier: 'Kortti otettiin pois liian aikaisin. Aloita alusta.',
      customer:
        'Kortti otettiin pois liian aikaisin. Aseta se uudelleen lukijaan ja pidä se siellä loppuun asti.',
      steps: ['Aloita maksu alusta.', 'Kortin saa ottaa pois vasta, kun pääte kehottaa.'],
    },
    pin_timeout: {
      title: 'PIN-aika umpeutui',
      cashier: 'PIN-koodia ei syötetty ajoissa. Aloita alusta.',
      customer: 'PIN-koodin syöttöaika umpeutui. Yritetään uudelleen.',
      steps: ['Aloita maksu alusta.'],
    },
    customer_cancel: {
      title: 'Keskeytetty',
      cashier: 'Asiakas keskeytti maksun.',
      customer: 'Maksu keskeytettiin. Haluatko yrittää uudelleen vai maksaa toisella tavalla?',
      steps: ['Aloita alusta, jos asiakas haluaa maksaa.'],
    },
    malformed_response: {
      title: 'Epäselvä vastaus',
      cashier: 'Pankin vastausta ei voitu lukea. Tarkista tila ennen uutta yritystä.',
      customer: 'Pahoittelut, tapahtui tekninen virhe. Tarkistan maksun.',
      steps: [
        'Tarkista viimeisimmän tapahtuman tila päätteeltä.',
        'Yritä uudelleen vain, jos sitä ei hyväksytty.',
      ],
    },
    reversal_pending: {
      title: 'Peruutus kesken',
      cashier: 'Edellistä maksua perutaan. Odota ja yritä sitten uudelleen.',
      customer: 'Hetkinen, edellistä yritystä perutaan parhaillaan.',
      steps: ['Odota, kunnes peruutus on vahvistettu.', 'Aloita maksu sitten alusta.'],
    },
    stop_retrying: {
      title: 'Älä yritä enää',
      cashier: 'Älä yritä tällä kortilla enää. Pyydä toinen maksutapa.',
      customer: 'Tällä kortilla ei voi juuri nyt maksaa. Käytäthän toista maksutapaa.',
      steps: [
        'Älä käytä tätä korttia enää tänään.',
        'Toistuvat yritykset maksavat kuluja ja huolestuttavat asiakasta.',
      ],
    },
  },
  strings: {
    'common.customer_declined': 'Maksua ei hyväksytty. Käytäthän toista maksutapaa.',
    'emv.01': '(SUMMA)',
    'emv.02': '(SUMMA) OK?',
    'emv.03': 'HYVÄKSYTTY',
    'emv.04': 'SOITA PANKKIIN',
    'emv.05': 'KESKEYTÄ TAI HYVÄKSY',
    'emv.06': 'KORTTIVIRHE',
    'emv.07': 'HYLÄTTY',
    'emv.08': 'SYÖTÄ SUMMA',
    'emv.09': 'SYÖTÄ PIN',
    'emv.0A': 'VÄÄRÄ PIN',
    'emv.0B': 'ASETA KORTTI',
    'emv.0C': 'EI HYVÄKSYTÄ',
    'emv.0D': 'PIN OK',
    'emv.0E': 'ODOTA',
    'emv.0F': 'KÄSITTELYVIRHE',
    'emv.10': 'POISTA KORTTI',
    'emv.11': 'KÄYTÄ SIRUA',
    'emv.12': 'KÄYTÄ MAGNEETTIRAITAA',
    'emv.13': 'YRITÄ UUDELLEEN',
    'script.title': 'Yhteydenotto kortin myöntäjään',
    'script.ask.decline':
      'Hei, korttimaksu hylättiin. Voisitteko kertoa syyn ja sen, voiko korttia käyttää? Tiedot:',
    'script.ask.referral':
      'Hei, maksupääte pyysi soittamaan teille tästä maksusta. Voitteko hyväksyä sen ja antaa minulle hyväksyntäkoodin? Tiedot:',
    'script.ask.technical':
      'Hei, korttimaksu keskeytyi teknisen virheen vuoksi. Voisitteko tarkistaa, tuliko se perille ja hyväksyttiinkö vai peruttiinko se? Tiedot:',
    'script.closing': 'Kirjaa ylös puhelun aika ja sen henkilön nimi, jonka kanssa puhuit.',
    'label.time_local': 'Aika (paikallinen)',
    'label.time_utc': 'Aika (UTC)',
    'label.merchant': 'Kauppias',
    'label.merchant_id': 'Kauppiastunnus',
    'label.terminal_id': 'Päätteen tunnus',
    'label.amount': 'Summa',
    'label.card': 'Kortti',
    'label.stan': 'Tapahtumanumero (STAN)',
    'label.rrn': 'Viitenumero (RRN)',
    'label.auth_code': 'Hyväksyntäkoodi',
    'label.response_code': 'Vastauskoodi',
    // script: transaction type, card entry mode, acquirer (issue 11)
    'label.transaction': 'Tapahtuma',
    'label.entry_mode': 'Kortin luku',
    'label.acquirer': 'Maksunvälittäjä',
    'txn.purchase': 'Osto',
    'txn.preauth': 'Ennakkovaraus',
    'txn.cash_advance': 'Käteisnosto',
    'txn.cashback': 'Osto ja käteisnosto',
    'txn.refund': 'Palautus',
    'txn.reversal': 'Peruutus',
    'entry.chip': 'Siru',
    'entry.contactless': 'Lähimaksu',
    'entry.magstripe': 'Magneettiraita',
    'entry.manual': 'Käsin syötetty',
    'entry.fallback': 'Magneettiraita (siru ei toiminut)',
  },
};
